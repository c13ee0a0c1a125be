using OpenMaas.Core;
using OpenMaas.Core.Cluster;

namespace OpenMaas.Server.Hosting;

/// <summary>The first hosted service: runs the domain's one initialisation step (migrates the database, or refuses to
/// start on a pending migration) before anything else starts, and subscribes to the cluster's change notices.</summary>
internal sealed class DatabaseStartup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await services.InitializeOpenMaasAsync(cancellationToken);
        // With Redis: subscribe to change notices before the first request can fill a cache.
        services.StartClusterNotices();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
