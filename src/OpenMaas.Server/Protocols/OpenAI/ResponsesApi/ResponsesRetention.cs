using Microsoft.Extensions.Options;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Responses;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.OpenAI.ResponsesApi;

/// <summary>Removes stored responses older than <c>Responses:RetentionDays</c>, at start and every
/// <c>Responses:CleanupSeconds</c>; in a cluster only the holder of the <c>responses-retention</c> lease does it.</summary>
internal sealed class ResponsesRetention(
    IResponseStore store, IClusterLease lease, IOptions<ResponsesOptions> options, TimeProvider clock, ILogger<ResponsesRetention> logger)
    : LeasedRetention(lease, clock)
{
    protected override string LeaseName => "responses-retention";

    protected override TimeSpan Period => TimeSpan.FromSeconds(options.Value.CleanupSeconds);

    protected override Task<int> RemoveExpiredAsync(CancellationToken ct) => store.RemoveExpiredAsync(ct);

    protected override void Removed(int count) => ResponsesLog.Removed(logger, count);

    protected override void Failed(Exception e) => ResponsesLog.RetentionFailed(logger, e);
}

/// <summary>Log events of the Responses API (ids 4200–4299).</summary>
internal static partial class ResponsesLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Removed {Count} stored responses past their retention")]
    public static partial void Removed(ILogger logger, int count);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Removing expired stored responses failed")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
