using Microsoft.Extensions.Options;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Cluster;

namespace OpenMaas.Server.Auth;

/// <summary>Removes audit log rows older than <c>Audit:RetentionDays</c>, at start and every <c>Audit:CleanupSeconds</c>;
/// in a cluster only the holder of the <c>audit-retention</c> lease does it.</summary>
internal sealed class AuditRetention(
    IAuditQueries audit, IClusterLease lease, IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditRetention> logger) : BackgroundService
{
    /// <summary>One round: removes what expired when this node holds the lease; returns how many rows went.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var period = TimeSpan.FromSeconds(options.Value.CleanupSeconds);
        return await lease.TryHoldAsync("audit-retention", period * 2.5, ct) ? await audit.RemoveExpiredAsync(ct) : 0;
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
                    AuthLog.AuditRemoved(logger, removed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                AuthLog.AuditRetentionFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
