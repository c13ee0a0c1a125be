using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core;

namespace OpenMaas.Bench.Quota;

/// <summary>The core services on a data folder, as the CLI has them: initialised (the database at this version's schema).</summary>
internal static class BenchServices
{
    public static ServiceProvider Create(string data)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Data:Path"] = data }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddOpenMaasCore().BuildServiceProvider();
        services.InitializeOpenMaasAsync().GetAwaiter().GetResult(); // BenchmarkDotNet's setup is synchronous
        return services;
    }
}
