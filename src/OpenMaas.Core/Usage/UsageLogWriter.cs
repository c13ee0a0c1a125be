using System.Threading.Channels;
using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Diagnostics;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Usage;

/// <summary>
/// Group commit: requests queue their records on a bounded channel; one writer takes everything queued, inserts it
/// in one transaction on its own connection, touches the tokens' last use, then completes each record's task — so an
/// answer ends only once its record is committed. How durable that commit is follows
/// <see cref="QuotaOptions.Durability"/>: power-safe fsyncs every commit; process-safe commits to the operating system
/// and fsyncs within a window (SQLite: <see cref="WalFlusher"/>; PostgreSQL: <c>synchronous_commit = off</c>).
/// </summary>
internal sealed class UsageLogWriter(
    DbConnections connections,
    DatabaseTarget target,
    IOptions<QuotaOptions> quota,
    TimeProvider clock,
    ILogger<UsageLogWriter> logger) : BackgroundService, IUsageLog
{
    /// <summary>The SQLite write-ahead log's flusher in process-safe mode; null otherwise (made with the writer, so it is
    /// there before the background loop starts).</summary>
    internal WalFlusher? Flusher { get; } =
        connections.Provider == DatabaseProvider.Sqlite && quota.Value.Durability == UsageDurability.ProcessSafe
            ? new WalFlusher(WalFlusher.PathOf(target.ConnectionString), TimeSpan.FromMilliseconds(quota.Value.UsageLogFsyncWindowMs), clock, logger)
            : null;

    private const int MaxBatch = 512;

    private readonly Channel<(UsageRecord Record, TaskCompletionSource Done)> _queue =
        Channel.CreateBounded<(UsageRecord, TaskCompletionSource)>(new BoundedChannelOptions(16_384) { SingleReader = true });

    public async Task AppendAsync(UsageRecord record, CancellationToken ct = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((record, done), ct);
        await done.Task;
        OpenMaasMeter.Call(record.ModelId, record.Status, record.PromptTokens, record.CompletionTokens);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WriteAsync();
        }
        finally
        {
            if (Flusher is { } flusher)
            {
                await flusher.DisposeAsync();
            }
        }
    }

    private async Task WriteAsync()
    {
        DbConnection? connection = null;
        var batch = new List<(UsageRecord Record, TaskCompletionSource Done)>(MaxBatch);
        // Drain what is queued even after stop is requested: those callers are waiting for durability.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            // Twice: a connection broken by a database restart fails the first try; a fresh one is opened for the second.
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                try
                {
                    connection ??= await OpenAsync();
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    await UsageLogBatch.CommitAsync(connection, batch.Select(b => b.Record), CancellationToken.None);
                    OpenMaasMeter.DatabaseRoundTrip(started, "usage_commit");
                    Flusher?.Committed();
                    batch.ForEach(b => b.Done.TrySetResult());
                    break;
                }
                catch (Exception e)
                {
                    await (connection?.DisposeAsync() ?? ValueTask.CompletedTask);
                    connection = null;
                    if (attempt == 2)
                    {
                        QuotaLog.UsageCommitFailed(logger, e, batch.Count);
                        batch.ForEach(b => b.Done.TrySetException(e));
                    }
                }
            }

            batch.Clear();
        }

        await (connection?.DisposeAsync() ?? ValueTask.CompletedTask);
    }

    private async Task<DbConnection> OpenAsync()
    {
        var connection = await connections.OpenAsync(CancellationToken.None);
        if (connections.Provider == DatabaseProvider.Sqlite)
        {
            await using var pragma = connection.CreateCommand();
            // FULL: the write-ahead log is fsync'd at every commit. NORMAL: written at commit, fsync'd by the flusher.
            pragma.CommandText = quota.Value.Durability == UsageDurability.PowerSafe ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync();
        }
        else if (quota.Value.Durability == UsageDurability.ProcessSafe)
        {
            // The commit returns once PostgreSQL has it; its WAL writer flushes within 3 × wal_writer_delay.
            await using var relaxed = connection.CreateCommand();
            relaxed.CommandText = "SET synchronous_commit = off";
            await relaxed.ExecuteNonQueryAsync();
        }

        return connection;
    }
}
