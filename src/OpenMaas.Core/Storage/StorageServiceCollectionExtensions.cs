using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The migrations of each provider live in their own assembly (EF Core's advice for several providers).</summary>
    public const string SqliteMigrations = "OpenMaas.Migrations.Sqlite";

    public const string PostgresMigrations = "OpenMaas.Migrations.Postgres";

    /// <summary>Registers <see cref="OpenMaasDbContext"/> on SQLite (the data folder) or PostgreSQL (<c>ConnectionStrings:Default</c>).</summary>
    public static IServiceCollection AddOpenMaasStorage(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => DatabaseTarget.From(
            sp.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build(), sp.GetRequiredService<IOptions<DataOptions>>().Value,
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddSingleton<PostgresPool>();
        services.AddDbContextFactory<OpenMaasDbContext>((sp, options) =>
            options.UseOpenMaasDatabase(sp.GetRequiredService<DatabaseTarget>(), sp.GetRequiredService<PostgresPool>()).AddInterceptors(sp.GetRequiredService<AuthStampInterceptor>()));
        services.AddSingleton<AuthStamp>();
        services.TryAddSingleton<IChangeNotice>(sp => sp.GetRequiredService<AuthStamp>());
        services.AddSingleton<AuthStampInterceptor>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton<DbConnections>();
        services.AddSingleton<Diagnostics.IReadinessCheck, DatabaseReadiness>();
        services.AddSingleton<Diagnostics.IReadinessCheck, ModelStoreReadiness>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageFaults>();
        services.AddSingleton<Diagnostics.IReadinessCheck, StorageFaultReadiness>();
        return services;
    }

    /// <summary>As <see cref="UseOpenMaasDatabase(DbContextOptionsBuilder, DatabaseTarget)"/>, on the process's one
    /// PostgreSQL pool (EF Core would otherwise keep a second pool of its own beside <see cref="DbConnections"/>).</summary>
    internal static DbContextOptionsBuilder UseOpenMaasDatabase(this DbContextOptionsBuilder options, DatabaseTarget target, PostgresPool pool) => target.Provider switch
    {
        DatabaseProvider.Postgres => UsePostgres(options, pool.DataSource),
        _ => options.UseOpenMaasDatabase(target),
    };

    /// <summary>The provider and its migrations assembly; the design-time factories of the migration projects use it too.</summary>
    public static DbContextOptionsBuilder UseOpenMaasDatabase(this DbContextOptionsBuilder options, DatabaseTarget target) => target.Provider switch
    {
        DatabaseProvider.Postgres => UsePostgres(options, target.ConnectionString),
        _ => UseSqlite(options, target.ConnectionString),
    };

    // Each provider's calls in a method of their own: the JIT loads a provider's assemblies only when its method runs,
    // so a SQLite deployment never loads Npgsql (and a PostgreSQL one never loads the SQLite provider).
    // Each uses its provider's compiled model (Storage/CompiledModels, written by tools/compiled-models): the model is
    // not built at start-up, which was about half of the methods the JIT compiled before /health answered.
    // CompiledModelTests fails when one no longer matches the model OnModelCreating builds.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbContextOptionsBuilder UsePostgres(DbContextOptionsBuilder options, System.Data.Common.DbDataSource source) =>
        PostgresModel(options.UseNpgsql(source, o => o.MigrationsAssembly(PostgresMigrations)));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbContextOptionsBuilder UsePostgres(DbContextOptionsBuilder options, string connectionString) =>
        PostgresModel(options.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrations)));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbContextOptionsBuilder UseSqlite(DbContextOptionsBuilder options, string connectionString) =>
        SqliteModel(options.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrations)));

#if NO_COMPILED_MODELS // tools/compiled-models builds without them, to write them anew
    private static DbContextOptionsBuilder PostgresModel(DbContextOptionsBuilder options) => options;

    private static DbContextOptionsBuilder SqliteModel(DbContextOptionsBuilder options) => options;
#else
    private static DbContextOptionsBuilder PostgresModel(DbContextOptionsBuilder options) =>
        options.UseModel(CompiledModels.Postgres.OpenMaasDbContextModel.Instance);

    private static DbContextOptionsBuilder SqliteModel(DbContextOptionsBuilder options) =>
        options.UseModel(CompiledModels.Sqlite.OpenMaasDbContextModel.Instance);
#endif
}
