using Microsoft.Extensions.Options;
using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>At start, puts the models configured under <c>Upstreams:Models</c> into the library (format
/// <c>upstream</c>), so they have a card, likes and API-Inference like any other.</summary>
internal sealed class ConfiguredUpstreamModels(IModelCatalog catalog, IOptions<UpstreamOptions> options, TimeProvider clock,
    ILogger<ConfiguredUpstreamModels> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, model) in options.Value.Models)
        {
            if (!ModelId.IsValid(id) || !UpstreamModels.Supports(model.Task))
            {
                UpstreamProxyLog.ConfiguredInvalid(logger, id, model.Task);
                continue;
            }

            var existing = await catalog.FindAsync(id, cancellationToken);
            if (existing is null)
            {
                await catalog.AddAsync(UpstreamModels.NewRecord(id, model.Task, clock.GetUtcNow()), cancellationToken);
                UpstreamProxyLog.ConfiguredAdded(logger, id);
            }
            else if (existing.Format != ModelFormats.Upstream)
            {
                UpstreamProxyLog.ConfiguredConflict(logger, id, existing.Format);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
