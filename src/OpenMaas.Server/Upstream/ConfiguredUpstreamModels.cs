using Microsoft.Extensions.Options;
using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Server.Upstream;

/// <summary>At start, puts the models configured under <c>Upstreams:Models</c> into the library (format
/// <c>upstream</c>), so they have a card, likes and API-Inference like any other.</summary>
internal sealed partial class ConfiguredUpstreamModels(IModelCatalog catalog, IOptions<UpstreamOptions> options, TimeProvider clock,
    ILogger<ConfiguredUpstreamModels> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, model) in options.Value.Models)
        {
            if (!ModelId.IsValid(id) || !UpstreamModels.Supports(model.Task))
            {
                LogInvalid(logger, id, model.Task);
                continue;
            }

            var existing = await catalog.FindAsync(id, cancellationToken);
            if (existing is null)
            {
                await catalog.AddAsync(UpstreamModels.NewRecord(id, model.Task, clock.GetUtcNow()), cancellationToken);
                LogAdded(logger, id);
            }
            else if (existing.Format != ModelFormats.Upstream)
            {
                LogConflict(logger, id, existing.Format);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(4160, LogLevel.Information, "Upstream model {Model} added to the library from configuration")]
    private static partial void LogAdded(ILogger logger, string model);

    [LoggerMessage(4161, LogLevel.Warning, "Upstreams:Models:{Model} is in the library as a {Format} model; its deployments are not served")]
    private static partial void LogConflict(ILogger logger, string model, string format);

    [LoggerMessage(4162, LogLevel.Error, "Upstreams:Models:{Model} (task {Task}) is not a valid model ID or task for an upstream engine; skipped")]
    private static partial void LogInvalid(ILogger logger, string model, string task);
}
