using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core;

namespace OpenMaas.Bench.Quota;

/// <summary>The core services on a data folder, as the CLI has them: initialised (the database at this version's schema).</summary>
internal static class BenchServices
{
    /// <param name="database">ConnectionStrings:Default (PostgreSQL <c>Host=…</c>); null: SQLite in the data folder.</param>
    public static ServiceProvider Create(string data, string? database = null)
    {
        var settings = new Dictionary<string, string?> { ["Data:Path"] = data };
        if (database is not null)
        {
            settings["ConnectionStrings:Default"] = database;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddOpenMaasCore().BuildServiceProvider();
        services.InitializeOpenMaasAsync().GetAwaiter().GetResult(); // BenchmarkDotNet's setup is synchronous
        return services;
    }
}
