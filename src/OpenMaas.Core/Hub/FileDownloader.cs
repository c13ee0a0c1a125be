using System.Net;
using System.Security.Cryptography;

namespace OpenMaas.Core.Hub;

/// <summary>Downloads one file into <c>TARGET.partial</c>, resuming from the bytes already there (HTTP Range), hashes
/// everything once on the way, and moves it into place only when its SHA-256 matches the hub's. A connection that
/// stalls for the hub client's <see cref="HubClient.IdleTimeout"/> or breaks is resumed, up to
/// <see cref="HubClient.Retries"/> times.</summary>
public sealed class FileDownloader(HubClient hub)
{
    private const int BufferSize = 1 << 20;

    /// <param name="LocalPath">Where the verified file is.</param>
    /// <param name="Size">Its size in bytes.</param>
    /// <param name="Sha256">Its SHA-256, lower-case hex.</param>
    /// <param name="ResumedFrom">Bytes that were already on disk and not downloaded again.</param>
    /// <param name="Retries">How many times a stalled or broken connection was resumed.</param>
    public sealed record Outcome(string LocalPath, long Size, string Sha256, long ResumedFrom, int Retries = 0);

    /// <summary>Downloads, resumes and verifies one file; <paramref name="advance"/> gets the bytes as they are hashed.</summary>
    public async Task<Outcome> DownloadAsync(string id, string revision, RemoteFile file, string target, Action<long> advance, CancellationToken ct)
    {
        var partial = target + ".partial";
        var resumedFrom = File.Exists(partial) ? new FileInfo(partial).Length : File.Exists(target) ? new FileInfo(target).Length : 0;
        for (var attempt = 0; ; attempt++)
        {
            long hashed = 0;
            try
            {
                var outcome = await DownloadAsync(id, revision, file, target, n => { hashed += n; advance(n); }, resume: true, ct);
                return attempt == 0 ? outcome : outcome with { ResumedFrom = resumedFrom, Retries = attempt };
            }
            catch (Exception e) when (attempt < hub.Retries && !ct.IsCancellationRequested && e is TimeoutException or IOException or HttpRequestException)
            {
                advance(-hashed); // the next attempt hashes the partial file again
            }
        }
    }

    private async Task<Outcome> DownloadAsync(string id, string revision, RemoteFile file, string target, Action<long> advance, bool resume, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".partial";
        if (!resume)
        {
            File.Delete(partial);
        }
        else if (File.Exists(target) && !File.Exists(partial))
        {
            File.Move(target, partial); // a file from an earlier pull is re-verified like a finished partial
        }

        var offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (file.Size >= 0 && offset > file.Size)
        {
            File.Delete(partial);
            offset = 0;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var resumedFrom = offset;
        if (offset != file.Size || !File.Exists(partial))
        {
            using var response = await hub.OpenFileAsync(id, revision, file.Path, offset, ct);
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable || (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent))
            {
                // The hub will not resume from here (no Range support, or the partial is not a prefix it knows): start over.
                return resume
                    ? await DownloadAsync(id, revision, file, target, advance, resume: false, ct)
                    : throw new HubException($"The hub answered {(int)response.StatusCode} for '{file.Path}' from byte 0.");
            }

            await using var output = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferSize, useAsync: true);
            await HashExistingAsync(output, offset, hash, advance, ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            await CopyAsync(body, output, hash, advance, hub.IdleTimeout, ct);
        }
        else
        {
            await using var output = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.None, BufferSize, useAsync: true);
            await HashExistingAsync(output, offset, hash, advance, ct);
        }

        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        var size = new FileInfo(partial).Length;
        if (file.Sha256 is { } expected && !string.Equals(expected, sha, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial);
            throw new HubException($"SHA-256 mismatch for '{file.Path}': the hub lists {expected.ToLowerInvariant()}, the downloaded bytes hash to {sha}. The file was deleted.");
        }

        if (file.Size >= 0 && size != file.Size)
        {
            throw new HubException($"'{file.Path}' is {size} bytes; the hub lists {file.Size}. Run the pull again to resume.");
        }

        File.Move(partial, target, overwrite: true);
        return new Outcome(target, size, sha, resumedFrom);
    }

    /// <summary>Hashes the first <paramref name="length"/> bytes already in the file and leaves the position after them.</summary>
    private static async Task HashExistingAsync(FileStream file, long length, IncrementalHash hash, Action<long> advance, CancellationToken ct)
    {
        file.Position = 0;
        var buffer = new byte[BufferSize];
        var left = length;
        while (left > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct);
            if (read == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
            advance(read);
        }

        file.SetLength(length);
        file.Position = length;
    }

    /// <summary>Copies the body; a read that gets nothing for <paramref name="idle"/> throws <see cref="TimeoutException"/>
    /// (what was written so far stays in the partial file for the next attempt).</summary>
    private static async Task CopyAsync(Stream body, FileStream output, IncrementalHash hash, Action<long> advance, TimeSpan idle, CancellationToken ct)
    {
        var buffer = new byte[BufferSize];
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        while (true)
        {
            int read;
            stall.CancelAfter(idle);
            try
            {
                read = await body.ReadAsync(buffer, stall.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await output.FlushAsync(ct);
                throw new TimeoutException($"No data for {idle.TotalSeconds:0.#} s.");
            }

            if (read == 0)
            {
                return;
            }

            hash.AppendData(buffer, 0, read);
            await output.WriteAsync(buffer.AsMemory(0, read), ct);
            advance(read);
        }
    }
}
