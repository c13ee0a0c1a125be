using System.Security.Cryptography;

namespace OpenMaas.Core.Catalog;

/// <summary>SHA-256 of model files, as lower-case hex (the form ModelScope's file list uses).</summary>
public static class FileHashing
{
    private const int BufferSize = 1 << 20;

    public static async Task<string> Sha256Async(string path, CancellationToken ct = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> and hashes the bytes on the way.</summary>
    public static async Task<string> CopyAndHashAsync(Stream source, Stream destination, CancellationToken ct = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await destination.WriteAsync(buffer.AsMemory(0, read), ct);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
