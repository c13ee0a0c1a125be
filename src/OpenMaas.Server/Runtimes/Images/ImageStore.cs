using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Server.Runtimes.Images;

/// <summary>
/// Generated images on disk (<see cref="ImageOptions.Directory"/>, else <c>DATA/images</c>): one file per image named by
/// a random id, its owner's user id in the name, so only the owner's token — or a signed link, which expires — opens it.
/// Files older than <see cref="ImageOptions.RetentionHours"/> are removed (swept at most once a minute, on save).
/// </summary>
internal sealed class ImageStore(IOptions<ImageOptions> options, IOptions<DataOptions> data, IDataProtectionProvider protection, TimeProvider clock)
{
    // The expiry rides inside the protected payload and is checked against the injected clock only: a time-limited
    // protector would check it against the system clock, so a clock other than the system's could never open a link.
    private readonly IDataProtector _links = protection.CreateProtector("OpenMaaS.ImageLinks.v2");
    private long _lastSweepTicks;

    public string Folder => options.Value.Directory is { Length: > 0 } folder ? Path.GetFullPath(folder) : Path.Combine(data.Value.FullPath, "images");

    /// <summary>Saves an image of <paramref name="ownerId"/>; returns its name (what links carry).</summary>
    public async Task<string> SaveAsync(long ownerId, GeneratedImage image, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        Sweep();
        var extension = image.ContentType switch { "image/jpeg" => ".jpg", "image/webp" => ".webp", "image/gif" => ".gif", _ => ".png" };
        var name = $"{ownerId.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}{extension}";
        var temp = Path.Combine(Folder, name + ".tmp");
        await File.WriteAllBytesAsync(temp, image.Bytes, ct);
        File.Move(temp, Path.Combine(Folder, name));
        return name;
    }

    /// <summary>A signed query (<c>?sig=…</c>) that opens <paramref name="name"/> without a token until it expires.</summary>
    public string Signature(string name) =>
        _links.Protect($"{clock.GetUtcNow().AddMinutes(options.Value.LinkMinutes).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}|{name}");

    /// <summary>The absolute, signed link of an image, as <paramref name="request"/> reached this server.</summary>
    public string Link(HttpRequest request, string name) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}/files/images/{name}?sig={Uri.EscapeDataString(Signature(name))}";

    /// <summary>The file of <paramref name="name"/> when <paramref name="userId"/> owns it or <paramref name="signature"/>
    /// is a valid, unexpired link to it; null otherwise (the caller answers 404 either way).</summary>
    public string? Open(string name, long? userId, string? signature)
    {
        if (!IsName(name) || !File.Exists(Path.Combine(Folder, name)))
        {
            return null;
        }

        var owned = userId is { } id && name.StartsWith(id.ToString(CultureInfo.InvariantCulture) + "-", StringComparison.Ordinal);
        return owned || (signature is { Length: > 0 } && Unprotect(signature) == name) ? Path.Combine(Folder, name) : null;
    }

    /// <summary>Removes the image <paramref name="name"/> if it is still there (its task expired).</summary>
    public void Remove(string name)
    {
        if (!IsName(name))
        {
            return;
        }

        try
        {
            File.Delete(Path.Combine(Folder, name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // being read: the file-time sweep takes it
        }
    }

    public static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".jpg" => "image/jpeg",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        _ => "image/png",
    };

    private string? Unprotect(string signature)
    {
        try
        {
            var payload = _links.Unprotect(signature);
            var bar = payload.IndexOf('|', StringComparison.Ordinal);
            return bar > 0 && long.TryParse(payload.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
                && expires > clock.GetUtcNow().ToUnixTimeSeconds() ? payload[(bar + 1)..] : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    // "{digits}-{32 hex}.{ext}": nothing that could leave the folder.
    private static bool IsName(string name) =>
        name.Length < 64 && name.IndexOf('-') is > 0 and var dash && name[..dash].All(char.IsAsciiDigit)
        && Path.GetFileNameWithoutExtension(name)[(dash + 1)..] is { Length: 32 } hex && hex.All(char.IsAsciiHexDigitLower)
        && Path.GetExtension(name) is ".png" or ".jpg" or ".webp" or ".gif";

    private void Sweep()
    {
        var now = clock.GetUtcNow();
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        var cutoff = now.UtcDateTime.AddHours(-options.Value.RetentionHours);
        foreach (var file in new DirectoryInfo(Folder).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc < cutoff)
            {
                try
                {
                    file.Delete();
                }
                catch (IOException)
                {
                    // being read: the next sweep takes it
                }
            }
        }
    }
}
