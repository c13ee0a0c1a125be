using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Usage;

/// <summary>
/// Group commit: requests queue their records on a bounded channel; one writer takes everything queued, inserts it
/// in one transaction on its own connection (fsync'd when <see cref="QuotaOptions.UsageLogFsync"/>), touches the
/// tokens' last use, then completes each record's task.
/// </summary>
internal sealed class UsageLogWriter(
    IOptions<DataOptions> data,
    IOptions<QuotaOptions> quota,
    DatabaseInitializer initializer,
    ILogger<UsageLogWriter> logger) : BackgroundService, IUsageLog
{
    private const int MaxBatch = 512;

    private readonly Channel<(UsageRecord Record, TaskCompletionSource Done)> _queue =
        Channel.CreateBounded<(UsageRecord, TaskCompletionSource)>(new BoundedChannelOptions(16_384) { SingleReader = true });

    public async Task AppendAsync(UsageRecord record, CancellationToken ct = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((record, done), ct);
        await done.Task;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await initializer.EnsureInitializedAsync(stoppingToken);
        await using var connection = new SqliteConnection(StorageServiceCollectionExtensions.ConnectionString(data.Value));
        await connection.OpenAsync(stoppingToken);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = quota.Value.UsageLogFsync ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(stoppingToken);
        }

        var batch = new List<(UsageRecord Record, TaskCompletionSource Done)>(MaxBatch);
        // Drain what is queued even after stop is requested: those callers are waiting for durability.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                UsageLogBatch.Commit(connection, batch.Select(b => b.Record));
                batch.ForEach(b => b.Done.TrySetResult());
            }
            catch (SqliteException e)
            {
                QuotaLog.UsageCommitFailed(logger, e, batch.Count);
                batch.ForEach(b => b.Done.TrySetException(e));
            }

            batch.Clear();
        }
    }
}
