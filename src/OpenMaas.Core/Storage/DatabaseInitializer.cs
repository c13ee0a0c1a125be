using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Core.Storage;

/// <summary>
/// Brings the database to this version's schema, once, when the process starts (see
/// <see cref="CoreServiceCollectionExtensions.InitializeOpenMaasAsync"/>; the services assume it ran): applies EF Core migrations (unless
/// <see cref="DatabaseOptions.MigrateAtStart"/> is off, when a pending one stops start-up), adopts a SQLite file made
/// before migrations existed (schema of the baseline), and switches SQLite to WAL so the CLI and a running server
/// can share the file.
/// </summary>
public sealed class DatabaseInitializer(
    IDbContextFactory<OpenMaasDbContext> factory, DatabaseTarget target, IOptions<DatabaseOptions> options, IOptions<DataOptions> data)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Start-up: migrates (or, with <see cref="DatabaseOptions.MigrateAtStart"/> off, refuses a pending
    /// migration) and checks the schema.</summary>
    public async Task InitializeAsync(CancellationToken ct = default) => await RunAsync(options.Value.MigrateAtStart, ct);

    /// <summary><c>openmaas migrate</c>: applies what is pending whatever the setting; returns what it applied.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default) => await RunAsync(migrate: true, ct);

    private async Task<IReadOnlyList<string>> RunAsync(bool migrate, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (target.Provider == DatabaseProvider.Sqlite)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(target.ConnectionString).DataSource) ?? data.Value.FullPath);
            }

            DataFolderPermissions.Secure(data.Value.FullPath);
            await using var db = await factory.CreateDbContextAsync(ct);
            var adopted = await AdoptLegacyAsync(db, ct);
            // Asking a database without the history table for its applied migrations logs a failed command; don't.
            var history = db.GetService<IHistoryRepository>();
            var applied = await history.ExistsAsync(ct) ? await db.Database.GetAppliedMigrationsAsync(ct) : [];
            var pending = db.Database.GetMigrations().Except(applied).ToList();
            if (pending.Count > 0 && !migrate)
            {
                throw new InvalidOperationException(
                    $"The database {target.Display} needs {pending.Count} migration(s) ({string.Join(", ", pending)}) and Database:MigrateAtStart is off: run `openmaas migrate` first.");
            }

            if (pending.Count > 0)
            {
                try
                {
                    await db.Database.MigrateAsync(ct);
                }
                catch (Exception) when (adopted)
                {
                    // A file older than the baseline: say what it lacks rather than which ALTER failed.
                    if (await SchemaCheck.FindMissingAsync(db, ct) is { Count: > 0 } missing)
                    {
                        throw new InvalidOperationException(
                            $"The database {target.Display} was made by an older OpenMaaS and lacks {string.Join(", ", missing)}. " +
                            "It predates the first migration, so it cannot be upgraded in place: move the data folder (or that file) away and start again.");
                    }

                    throw;
                }
            }

            if (target.Provider == DatabaseProvider.Sqlite)
            {
                if (await SchemaCheck.FindMissingAsync(db, ct) is { Count: > 0 } missing)
                {
                    throw new InvalidOperationException(
                        $"The database {target.Display} was made by an older OpenMaaS and lacks {string.Join(", ", missing)}. " +
                        "It predates the first migration, so it cannot be upgraded in place: move the data folder (or that file) away and start again.");
                }

                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", ct);
            }

            return pending;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A SQLite file made by <c>EnsureCreated</c> (before migrations) has the tables but no migrations history: record
    /// the baseline as applied, so only what came after it runs.
    /// </summary>
    private static async Task<bool> AdoptLegacyAsync(OpenMaasDbContext db, CancellationToken ct)
    {
        if (db.Database.ProviderName != "Microsoft.EntityFrameworkCore.Sqlite")
        {
            return false;
        }

        var history = db.GetService<IHistoryRepository>();
        if (await history.ExistsAsync(ct) || !await AnyTableAsync(db, ct))
        {
            return false;
        }

        await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), ct);
        // The first migration is the baseline: the schema of every data folder made before migrations existed.
        var baseline = db.Database.GetMigrations().First();
        await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(baseline, ProductInfo.GetVersion())), ct);
        return true;
    }

    private static async Task<bool> AnyTableAsync(OpenMaasDbContext db, CancellationToken ct) =>
        await db.Database.SqlQueryRaw<int>(
            "SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EF%'").SingleAsync(ct) > 0;
}
