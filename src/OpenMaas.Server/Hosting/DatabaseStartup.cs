using OpenMaas.Core.Cluster;
using OpenMaas.Core.Storage;

namespace OpenMaas.Server.Hosting;

/// <summary>Migrates the database (or refuses to start on a pending migration) before anything else starts, and
/// subscribes to the cluster's change notices.</summary>
internal sealed class DatabaseStartup(DatabaseInitializer initializer, IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken);
        // With Redis: subscribe to change notices before the first request can fill a cache.
        services.StartClusterNotices();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
