using System.IO.MemoryMappedFiles;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Core.Storage;

/// <summary>
/// The change stamp of users, tokens and limits, shared by every process on one data folder: 8 bytes in
/// <c>DATA/auth.stamp</c>, memory-mapped (shared) by each process. A change stores a new random value after its
/// transaction has committed. Shared mappings of one file are the same page-cache pages, so the store is visible to
/// every other process (a running server, the CLI) on its very next load: no syscall per read, and no dependence on
/// file times, which tick only every few milliseconds on Linux. SQLite's WAL index (<c>-shm</c>) relies on the same
/// property, so wherever the database itself can be shared, so can the stamp.
/// </summary>
internal sealed class AuthStamp(IOptions<DataOptions> data) : IChangeNotice, IDisposable
{
    public const string FileName = "auth.stamp";

    private readonly Lazy<(MemoryMappedFile File, MemoryMappedViewAccessor View)> _map = new(() => Map(data.Value));

    /// <summary>The current value. Read it <em>before</em> reading what it guards.</summary>
    public long Read() => _map.Value.View.ReadInt64(0);

    /// <summary>Call after the transaction that changed users, tokens or limits has committed.</summary>
    public void Bump()
    {
        var view = _map.Value.View;
        var old = view.ReadInt64(0);
        long next;
        do
        {
            // Random rather than old + 1: two processes bumping at once must still leave a value neither reader saw.
            next = Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        }
        while (next == old);

        view.Write(0, next);
    }

    public void Dispose()
    {
        if (_map.IsValueCreated)
        {
            _map.Value.View.Dispose();
            _map.Value.File.Dispose();
        }
    }

    private static (MemoryMappedFile, MemoryMappedViewAccessor) Map(DataOptions data)
    {
        Directory.CreateDirectory(data.FullPath);
        var stream = new FileStream(Path.Combine(data.FullPath, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length < sizeof(long))
        {
            stream.SetLength(sizeof(long));
        }

        var file = MemoryMappedFile.CreateFromFile(stream, null, sizeof(long), MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        return (file, file.CreateViewAccessor(0, sizeof(long)));
    }
}
