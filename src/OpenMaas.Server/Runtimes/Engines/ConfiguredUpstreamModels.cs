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

            IReadOnlyList<string>? capabilities = null;
            if (model.Capabilities is { } declared)
            {
                if (ModelCapabilities.TryParse(string.Join(',', declared), out var parsed) is { } unknown)
                {
                    UpstreamProxyLog.ConfiguredCapabilityUnknown(logger, id, unknown);
                }
                else
                {
                    capabilities = parsed;
                }
            }

            var existing = await catalog.FindAsync(id, cancellationToken);
            if (existing is null)
            {
                var record = UpstreamModels.NewRecord(id, model.Task, clock.GetUtcNow());
                record.Capabilities = [.. capabilities ?? []];
                await catalog.AddAsync(record, cancellationToken);
                UpstreamProxyLog.ConfiguredAdded(logger, id);
            }
            else if (existing.Format != ModelFormats.Upstream)
            {
                UpstreamProxyLog.ConfiguredConflict(logger, id, existing.Format);
            }
            else if (capabilities is not null && !existing.Capabilities.SequenceEqual(capabilities))
            {
                await catalog.UpdateAsync(id, m => m.Capabilities = [.. capabilities], cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
