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
        : PostgresDisplay(ConnectionString);

    // Npgsql's builder in a method of its own: a SQLite deployment never loads the PostgreSQL client.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string PostgresDisplay(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) is var b ? $"postgresql://{b.Host}:{b.Port}/{b.Database}" : string.Empty;

    public static DatabaseTarget From(IConfiguration configuration, DataOptions data, DatabaseOptions? options = null)
    {
        options ??= new DatabaseOptions();
        var text = configuration.GetConnectionString(ConnectionStringName)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return Sqlite(data.DatabaseFile);
        }

        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseTarget(DatabaseProvider.Postgres, Bounded(FromUrl(new Uri(text)), options));
        }

        if (text.Contains("Host=", StringComparison.OrdinalIgnoreCase) || text.Contains("Server=", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseTarget(DatabaseProvider.Postgres, Bounded(text, options));
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

    /// <summary>
    /// The pool bound and the connection wait of <see cref="DatabaseOptions"/>, unless the connection string sets its own
    /// (an operator's <c>Maximum Pool Size</c> or <c>Timeout</c> wins). Npgsql's own default of 100 connections per
    /// process would let two nodes exhaust a stock server (<c>max_connections</c> 100) and fail calls with 53300.
    /// </summary>
    private static string Bounded(string connectionString, DatabaseOptions options)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Keys.Cast<string>().Any(k => Normalized(k) is "maximumpoolsize" or "maxpoolsize"))
        {
            builder.MaxPoolSize = options.MaxPoolSize;
            builder.MinPoolSize = Math.Min(builder.MinPoolSize, options.MaxPoolSize);
        }

        if (!given.Keys.Cast<string>().Any(k => Normalized(k) is "timeout"))
        {
            builder.Timeout = options.ConnectionWaitSeconds;
        }

        return builder.ConnectionString;
    }

    private static string Normalized(string keyword) => keyword.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

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
