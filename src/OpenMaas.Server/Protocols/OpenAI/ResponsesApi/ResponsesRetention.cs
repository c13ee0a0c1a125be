using Microsoft.Extensions.Options;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Responses;

namespace OpenMaas.Server.Protocols.OpenAI.ResponsesApi;

/// <summary>Removes stored responses older than <c>Responses:RetentionDays</c>, at start and every
/// <c>Responses:CleanupSeconds</c>; in a cluster only the holder of the <c>responses-retention</c> lease does it.</summary>
internal sealed class ResponsesRetention(
    IResponseStore store, IClusterLease lease, IOptions<ResponsesOptions> options, TimeProvider clock, ILogger<ResponsesRetention> logger) : BackgroundService
{
    /// <summary>One round: removes what expired when this node holds the lease; returns how many rows went.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var period = TimeSpan.FromSeconds(options.Value.CleanupSeconds);
        return await lease.TryHoldAsync("responses-retention", period * 2.5, ct) ? await store.RemoveExpiredAsync(ct) : 0;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.CleanupSeconds), clock);
        do
        {
            try
            {
                var removed = await RunOnceAsync(stoppingToken);
                if (removed > 0)
                {
                    ResponsesLog.Removed(logger, removed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ResponsesLog.RetentionFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>Log events of the Responses API (ids 4200–4299).</summary>
internal static partial class ResponsesLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Removed {Count} stored responses past their retention")]
    public static partial void Removed(ILogger logger, int count);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Removing expired stored responses failed")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
