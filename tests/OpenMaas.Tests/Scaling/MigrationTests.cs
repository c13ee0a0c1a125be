using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Server.Cli;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Scaling;

/// <summary>Schema migrations: a data folder made before migrations existed upgrades in place; PostgreSQL migrates.</summary>
[Trait("Category", "Slow")]
public sealed class MigrationTests : IDisposable
{
    /// <summary>Made by commit 065de8f (the last schema without migrations): user alice, one token, three calls.</summary>
    private static readonly string Legacy = Path.Combine(TestAssets.RepoRoot, "tests", "OpenMaas.Tests", "Assets", "legacy-065de8f");

    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", "migrate-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task ADataFolderFromBeforeMigrations_IsUpgradedByServe_AndKeepsUsersTokensAndUsage()
    {
        Directory.CreateDirectory(_data);
        File.Copy(Path.Combine(Legacy, "openmaas.db"), Path.Combine(_data, "openmaas.db"));
        var token = (await File.ReadAllTextAsync(Path.Combine(Legacy, "token.txt"))).Trim();

        await using (var node = await ServedNode.StartAsync(_data))
        {
            using var http = node.Client(token);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/models")).StatusCode);
            using var stranger = node.Client("ms-" + new string('x', 40));
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/v1/models")).StatusCode);
            Assert.Equal(0, await node.TerminateAsync(TimeSpan.FromSeconds(60)));
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "openmaas.db")};Pooling=False");
        await connection.OpenAsync();
        Assert.Equal("alice", await ScalarAsync(connection, "SELECT Name FROM users"));
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT COUNT(*) FROM access_tokens"));
        Assert.Equal(3L, await ScalarAsync(connection, "SELECT COUNT(*) FROM usage_log WHERE Counted"));
        Assert.Equal(7L, await ScalarAsync(connection, "SELECT DailyCalls FROM quota_limits WHERE ModelId IS NOT NULL"));
        var applied = await ScalarAsync(connection, "SELECT COUNT(*) FROM __EFMigrationsHistory");
        Assert.True((long)applied! >= 1);
        Assert.EndsWith("_Baseline", (string)(await ScalarAsync(connection, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId LIMIT 1"))!);

        // And again: an upgraded folder starts like any other (nothing pending).
        var (rc, _, stderr) = await Cli.RunAsync(_data, null, "migrate");
        Assert.True(rc == 0, stderr);
        Assert.Contains("up to date", stderr);
    }

    [Fact]
    public async Task Migrate_OnPostgres_CreatesTheSchema_AndMigrateAtStartOffRefusesAnEmptyDatabase()
    {
        var pg = await PostgresServer.SharedAsync();
        var fresh = await pg.CreateDatabaseAsync();
        Directory.CreateDirectory(_data);

        // The domain's initialisation step refuses it, before any service is used.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => CliServices.CreateAsync(
            [new("Data:Path", _data), new("ConnectionStrings:Default", fresh), new("Database:MigrateAtStart", "false")]));
        Assert.Contains("openmaas migrate", refused.Message);

        var (rc, _, stderr) = await Cli.RunAsync(_data, null, "migrate", "--database", fresh);
        Assert.True(rc == 0, stderr);
        Assert.Contains("applied", stderr);
        Assert.Contains("_Baseline", stderr);

        Assert.Equal(0, (await Cli.RunAsync(_data, null, "user", "add", "bob", "--database", fresh)).ExitCode);
        var list = await Cli.RunAsync(_data, null, "user", "list", "--database", fresh);
        Assert.Contains("bob", list.Stdout);
        Assert.False(File.Exists(Path.Combine(_data, "openmaas.db")), "the SQLite file was created although PostgreSQL was named");
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
