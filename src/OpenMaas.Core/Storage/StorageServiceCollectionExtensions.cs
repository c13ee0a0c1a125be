using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the SQLite-backed <see cref="OpenMaasDbContext"/> in the data folder.</summary>
    public static IServiceCollection AddOpenMaasStorage(this IServiceCollection services)
    {
        services.AddDbContextFactory<OpenMaasDbContext>((sp, options) =>
        {
            var data = sp.GetRequiredService<IOptions<DataOptions>>().Value;
            options.UseSqlite(ConnectionString(data)).AddInterceptors(sp.GetRequiredService<AuthStampInterceptor>());
        });
        services.AddSingleton<AuthStamp>();
        services.AddSingleton<AuthStampInterceptor>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton<SqliteReads>();
        return services;
    }

    internal static string ConnectionString(DataOptions data) => new SqliteConnectionStringBuilder
    {
        DataSource = data.DatabaseFile,
        Cache = SqliteCacheMode.Default,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();
}
