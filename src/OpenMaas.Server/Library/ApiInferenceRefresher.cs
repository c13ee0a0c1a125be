using Microsoft.Extensions.Options;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Library;

namespace OpenMaas.Server.Library;

/// <summary>Re-evaluates the API-Inference policy at start and every <c>Library:ReevaluateSeconds</c>: downloads
/// leave the recent window with time, and another process (the CLI) may have changed the library. In a cluster only
/// the holder of the <c>api-inference</c> lease does it.</summary>
internal sealed class ApiInferenceRefresher(
    IApiInferencePolicy policy, IClusterLease lease, IOptions<LibraryOptions> options, TimeProvider clock, ILogger<ApiInferenceRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.ReevaluateSeconds);
        using var timer = new PeriodicTimer(period, clock);
        do
        {
            try
            {
                // One node of a cluster re-evaluates (the result is in the shared database); it renews its lease each round.
                if (await lease.TryHoldAsync("api-inference", period * 2.5, stoppingToken))
                {
                    await policy.EvaluateAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LibraryLog.RefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
