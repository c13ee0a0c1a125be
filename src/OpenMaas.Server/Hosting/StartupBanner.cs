using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Hosting;
using OpenMaas.Core.Storage;

namespace OpenMaas.Server.Hosting;

/// <summary>Prepares the database before the first request and logs where the server listens and what it serves.</summary>
internal sealed partial class StartupBanner(
    IServer server, IHostApplicationLifetime lifetime, DatabaseInitializer database, IModelCatalog catalog,
    IOptions<DataOptions> data, ILogger<StartupBanner> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.EnsureInitializedAsync(cancellationToken);
        lifetime.ApplicationStarted.Register(() => _ = LogAsync());
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stopping(logger);
        return Task.CompletedTask;
    }

    private async Task LogAsync()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            Listening(logger, address, address.TrimEnd('/') + "/v1");
        }

        var models = await catalog.ListAsync();
        DataFolder(logger, data.Value.FullPath, models.Count);
        foreach (var m in models)
        {
            Model(logger, m.Id, m.Task, m.Format);
        }

        if (models.Count == 0)
        {
            NoModels(logger);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "OpenMaaS listening on {Address} (OpenAI-compatible API at {V1})")]
    private static partial void Listening(ILogger logger, string address, string v1);

    [LoggerMessage(2, LogLevel.Information, "Data folder {Path}: {Count} model(s)")]
    private static partial void DataFolder(ILogger logger, string path, int count);

    [LoggerMessage(3, LogLevel.Information, "  model {Id} ({Task}, {Format})")]
    private static partial void Model(ILogger logger, string id, string task, string format);

    [LoggerMessage(4, LogLevel.Information, "No models yet: add one with ./openmaas model add PATH --id OWNER/NAME")]
    private static partial void NoModels(ILogger logger);

    [LoggerMessage(5, LogLevel.Information, "OpenMaaS stopping")]
    private static partial void Stopping(ILogger logger);
}
