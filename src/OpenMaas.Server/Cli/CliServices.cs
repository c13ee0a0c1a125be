using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMaas.Core;
using OpenMaas.Core.Cluster;

namespace OpenMaas.Server.Cli;

/// <summary>The services a CLI verb needs, configured like the server (same appsettings, database, Redis).</summary>
internal static class CliServices
{
    public static ServiceProvider Create(ParseResult parse) => Create(CliOptions.Settings(parse));

    public static ServiceProvider Create(string dataPath) => Create([new("Data:Path", dataPath)]);

    public static ServiceProvider Create(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddEnvironmentVariables("OPENMAAS_")
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        services.AddOpenMaasCore();
        services.AddOpenMaasCluster(configuration);
        services.AddSingleton<ModelRegistrar>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
