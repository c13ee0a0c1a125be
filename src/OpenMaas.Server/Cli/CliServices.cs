using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMaas.Core;
using OpenMaas.Core.Audit;
using OpenMaas.Server.Hosting;

namespace OpenMaas.Server.Cli;

/// <summary>The services a CLI verb needs: the domain composed as the server composes it (same appsettings, database,
/// Redis), initialised once before the verb runs.</summary>
internal static class CliServices
{
    public static Task<ServiceProvider> CreateAsync(ParseResult parse, CancellationToken ct) => CreateAsync(CliOptions.Settings(parse), ct);

    public static Task<ServiceProvider> CreateAsync(string dataPath, CancellationToken ct = default) => CreateAsync([new("Data:Path", dataPath)], ct);

    /// <summary>The services, after the domain's initialisation step (the database at this version's schema).</summary>
    public static async Task<ServiceProvider> CreateAsync(IEnumerable<KeyValuePair<string, string?>> settings, CancellationToken ct = default)
    {
        var services = Build(settings);
        try
        {
            await services.InitializeOpenMaasAsync(ct);
            return services;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>The services without initialisation: for <c>openmaas migrate</c>, which brings the schema up itself.</summary>
    public static ServiceProvider Build(IEnumerable<KeyValuePair<string, string?>> settings)
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
        services.AddAuditActor(AuditActor.Cli); // every change a verb makes is the command line's in the audit log
        services.AddOpenMaasDomain(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
