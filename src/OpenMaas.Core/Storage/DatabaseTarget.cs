using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Core.Storage;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The database every process of a deployment shares: <c>ConnectionStrings:Default</c> (flag <c>--database</c>, env
/// <c>ConnectionStrings__Default</c>). Empty: SQLite in the data folder. <c>Host=…</c> (or a <c>postgres://</c> URL):
/// PostgreSQL. <c>Data Source=…</c>: SQLite at that path.
/// </summary>
public sealed record DatabaseTarget(DatabaseProvider Provider, string ConnectionString)
{
    public const string ConnectionStringName = "Default";

    /// <summary>For messages: where the database is, never its password.</summary>
    public string Display => Provider == DatabaseProvider.Sqlite
        ? new SqliteConnectionStringBuilder(ConnectionString).DataSource
        : new NpgsqlConnectionStringBuilder(ConnectionString) is var b ? $"postgresql://{b.Host}:{b.Port}/{b.Database}" : string.Empty;

    public static DatabaseTarget From(IConfiguration configuration, DataOptions data)
    {
        var text = configuration.GetConnectionString(ConnectionStringName)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return Sqlite(data.DatabaseFile);
        }

        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseTarget(DatabaseProvider.Postgres, FromUrl(new Uri(text)));
        }

        if (text.Contains("Host=", StringComparison.OrdinalIgnoreCase) || text.Contains("Server=", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseTarget(DatabaseProvider.Postgres, new NpgsqlConnectionStringBuilder(text).ConnectionString);
        }

        var sqlite = new SqliteConnectionStringBuilder(text);
        if (string.IsNullOrEmpty(sqlite.DataSource))
        {
            throw new InvalidOperationException("ConnectionStrings:Default is neither PostgreSQL (Host=…) nor SQLite (Data Source=…).");
        }

        return Sqlite(Path.GetFullPath(sqlite.DataSource));
    }

    private static DatabaseTarget Sqlite(string file) => new(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder
    {
        DataSource = file,
        Cache = SqliteCacheMode.Default,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString());

    private static string FromUrl(Uri url)
    {
        var user = url.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.IsDefaultPort || url.Port <= 0 ? 5432 : url.Port,
            Database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/')),
            Username = user.Length > 0 && user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : null,
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        };
        return builder.ConnectionString;
    }
}
