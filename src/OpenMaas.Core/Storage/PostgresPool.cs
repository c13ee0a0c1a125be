using System.Data.Common;
using System.Runtime.CompilerServices;
using Npgsql;

namespace OpenMaas.Core.Storage;

/// <summary>
/// The process's one pool of PostgreSQL connections, shared by EF Core and the plain reads and writes of
/// <see cref="DbConnections"/>, so the process never holds more than the connection string's <c>Maximum Pool Size</c>
/// (<see cref="DatabaseOptions.MaxPoolSize"/>). A call that finds the pool full waits up to its <c>Timeout</c>
/// (<see cref="DatabaseOptions.ConnectionWaitSeconds"/>), then fails closed (<see cref="DatabaseFailure"/>).
/// Npgsql's types appear only in <see cref="Create"/>, so a SQLite deployment never loads the PostgreSQL client.
/// </summary>
internal sealed class PostgresPool(DatabaseTarget target) : IAsyncDisposable
{
    private readonly Lazy<DbDataSource> _source = new(() => Create(target.ConnectionString));

    public DbDataSource DataSource => _source.Value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbDataSource Create(string connectionString) => NpgsqlDataSource.Create(connectionString);

    public async ValueTask DisposeAsync()
    {
        if (_source.IsValueCreated)
        {
            await _source.Value.DisposeAsync();
        }
    }
}
