using System.Collections.Concurrent;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>
/// Which database the functional tests run on: SQLite in each fixture's data folder, or, with
/// <c>OPENMAAS_TEST_DATABASE=postgres</c> (the second pass of test.sh), a fresh database per fixture on one real
/// PostgreSQL server. CLI processes started on a fixture's data folder get the same database.
/// </summary>
public static class TestDatabase
{
    private static readonly ConcurrentDictionary<string, string> ByDataPath = new();

    public static bool Postgres => Environment.GetEnvironmentVariable("OPENMAAS_TEST_DATABASE") == "postgres";

    /// <summary>The connection string for a new fixture, or null for SQLite in its data folder.</summary>
    public static async Task<string?> ForFixtureAsync(string dataPath)
    {
        if (!Postgres)
        {
            return null;
        }

        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        ByDataPath[Path.GetFullPath(dataPath)] = connectionString;
        return connectionString;
    }

    /// <summary>The database a fixture on this data folder uses, if not the folder's SQLite.</summary>
    public static string? Of(string dataPath) => ByDataPath.GetValueOrDefault(Path.GetFullPath(dataPath));
}
