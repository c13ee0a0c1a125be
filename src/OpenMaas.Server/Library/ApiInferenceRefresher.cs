using Microsoft.Extensions.Options;
using OpenMaas.Core.Library;

namespace OpenMaas.Server.Library;

/// <summary>Re-evaluates the API-Inference policy at start and every <c>Library:ReevaluateSeconds</c>: downloads
/// leave the recent window with time, and another process (the CLI) may have changed the library.</summary>
internal sealed class ApiInferenceRefresher(
    IApiInferencePolicy policy, IOptions<LibraryOptions> options, TimeProvider clock, ILogger<ApiInferenceRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReevaluateSeconds), clock);
        do
        {
            try
            {
                await policy.EvaluateAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LibraryLog.RefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
