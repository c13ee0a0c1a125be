using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Server.Hosting;

/// <summary>Logs where the server listens and what it serves.</summary>
internal sealed class StartupBanner(
    IServer server, IHostApplicationLifetime lifetime, IModelCatalog catalog,
    IOptions<DataOptions> data, ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = LogAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        HostingLog.Stopping(logger);
        return Task.CompletedTask;
    }

    private async Task LogAsync()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            HostingLog.Listening(logger, address, address.TrimEnd('/') + "/v1");
        }

        var models = await catalog.ListAsync();
        HostingLog.DataFolder(logger, data.Value.FullPath, models.Count);
        foreach (var m in models)
        {
            HostingLog.Model(logger, m.Id, m.Task, m.Format);
        }

        if (models.Count == 0)
        {
            HostingLog.NoModels(logger);
        }
    }
}
