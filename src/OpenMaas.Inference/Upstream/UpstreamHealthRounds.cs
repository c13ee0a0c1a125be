using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenMaas.Inference.Upstream;

/// <summary>
/// Every <see cref="UpstreamOptions.HealthCheckSeconds"/>: re-reads the deployments (the CLI may have added some) and
/// probes each one. A failed probe takes a deployment out of rotation; a passed one readmits it (once its ejection
/// cooldown is over).
/// </summary>
internal sealed class UpstreamHealthRounds(
    UpstreamRegistry registry, UpstreamInvoker invoker, IOptions<UpstreamOptions> options, TimeProvider clock, ILogger<UpstreamHealthRounds> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HealthCheckSeconds), clock);
        do
        {
            try
            {
                await registry.ReloadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                UpstreamLog.ReloadFailed(logger, e);
            }

            await Task.WhenAll(registry.All.Select(e => ProbeAsync(e, stoppingToken)));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ProbeAsync(UpstreamEndpoint endpoint, CancellationToken ct)
    {
        var healthy = await invoker.ProbeAsync(endpoint, ct);
        if (healthy != endpoint.Healthy)
        {
            endpoint.SetHealth(healthy);
            UpstreamLog.HealthChanged(logger, endpoint.Target.ModelId, endpoint.Target.BaseUrl, healthy ? "healthy" : "down");
        }
    }
}
