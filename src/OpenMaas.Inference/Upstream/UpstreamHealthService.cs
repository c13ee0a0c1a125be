using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Catalog;

namespace OpenMaas.Inference.Upstream;

/// <summary>
/// Puts the models configured under <c>Upstreams:Models</c> into the library, then on every round re-reads the
/// deployments (the CLI may have added some) and probes each one: a failed probe takes it out of rotation, a passed
/// one readmits it (once its ejection cooldown is over).
/// </summary>
internal sealed class UpstreamHealthService(
    UpstreamRegistry registry,
    UpstreamInvoker invoker,
    IModelCatalog catalog,
    IOptions<UpstreamOptions> options,
    TimeProvider clock,
    ILogger<UpstreamHealthService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await AddConfiguredModelsAsync(stoppingToken);
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

    private async Task AddConfiguredModelsAsync(CancellationToken ct)
    {
        foreach (var (id, model) in options.Value.Models)
        {
            var existing = await catalog.FindAsync(id, ct);
            if (existing is not null)
            {
                if (existing.Format != ModelFormats.Upstream)
                {
                    UpstreamLog.ConfiguredModelConflict(logger, id, existing.Format);
                }

                continue;
            }

            if (await catalog.AddAsync(UpstreamModels.NewRecord(id, model.Task, clock.GetUtcNow()), ct))
            {
                UpstreamLog.ConfiguredModelAdded(logger, id);
            }
        }
    }
}
