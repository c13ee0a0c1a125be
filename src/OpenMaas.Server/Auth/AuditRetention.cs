using Microsoft.Extensions.Options;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Cluster;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Auth;

/// <summary>Removes audit log rows older than <c>Audit:RetentionDays</c>, at start and every <c>Audit:CleanupSeconds</c>;
/// in a cluster only the holder of the <c>audit-retention</c> lease does it.</summary>
internal sealed class AuditRetention(
    IAuditQueries audit, IClusterLease lease, IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditRetention> logger)
    : LeasedRetention(lease, clock)
{
    protected override string LeaseName => "audit-retention";

    protected override TimeSpan Period => TimeSpan.FromSeconds(options.Value.CleanupSeconds);

    protected override Task<int> RemoveExpiredAsync(CancellationToken ct) => audit.RemoveExpiredAsync(ct);

    protected override void Removed(int count) => AuthLog.AuditRemoved(logger, count);

    protected override void Failed(Exception e) => AuthLog.AuditRetentionFailed(logger, e);
}
