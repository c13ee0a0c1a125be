using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using OpenMaas.Core.Quota;

namespace OpenMaas.Core.Usage;

/// <summary>
/// Process-safe mode on SQLite: commits are written to the write-ahead log without waiting for the disk (a crash of
/// the process loses nothing: the bytes are the kernel's), and this makes them durable within the window — the first
/// commit after a flush schedules one fsync of the <c>-wal</c> file, which covers every commit made until it runs.
/// </summary>
internal sealed class WalFlusher(string databasePath, TimeSpan window, TimeProvider clock, ILogger logger) : IAsyncDisposable
{
    private readonly string _wal = databasePath + "-wal";
    private readonly CancellationTokenSource _stop = new();
    private int _pending;
    private long _flushes;
    private Task _last = Task.CompletedTask;

    /// <summary>How many fsyncs ran (diagnostics and tests).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>A commit was made: make sure an fsync runs within the window.</summary>
    public void Committed()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _last = FlushLaterAsync();
        }
    }

    private async Task FlushLaterAsync()
    {
        try
        {
            await Task.Delay(window, clock, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: flush now.
        }

        // Commits from here on need another fsync: clear the flag before this one starts.
        Interlocked.Exchange(ref _pending, 0);
        Flush();
    }

    /// <summary>fsync of the write-ahead log (every commit written before this call is on disk after it).</summary>
    public void Flush()
    {
        try
        {
            using var wal = new FileStream(_wal, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            wal.Flush(flushToDisk: true);
            Interlocked.Increment(ref _flushes);
        }
        catch (FileNotFoundException)
        {
            // Checkpointed away and removed: its content is in the database file, which SQLite synced.
        }
        catch (IOException e)
        {
            QuotaLog.UsageFlushFailed(logger, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _last;
        _stop.Dispose();
    }

    /// <summary>The database file of a SQLite connection string.</summary>
    public static string PathOf(string connectionString) => new SqliteConnectionStringBuilder(connectionString).DataSource;
}
