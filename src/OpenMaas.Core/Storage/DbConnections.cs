using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace OpenMaas.Core.Storage;

/// <summary>
/// Plain pooled connections for the reads and writes of every inference call (token check, limits, usage log). EF
/// Core costs about 90 µs per query here; a statement on a pooled connection a fraction of that. Everything else goes
/// through <see cref="OpenMaasDbContext"/>. SQL written for these uses <c>@name</c> parameters and double-quoted
/// column names, which both SQLite and PostgreSQL read as the EF model spells them.
/// </summary>
internal sealed class DbConnections(DatabaseTarget target, PostgresPool postgres)
{
    public DatabaseProvider Provider => target.Provider;

    /// <summary>A pooled connection; the schema is there since start-up ran <see cref="DatabaseInitializer"/>.</summary>
    public async ValueTask<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (target.Provider == DatabaseProvider.Postgres)
        {
            return await postgres.DataSource.OpenConnectionAsync(ct);
        }

        var connection = new SqliteConnection(target.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}

internal static class DbCommandExtensions
{
    public static DbParameter Add(this DbCommand command, string name, object? value = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
