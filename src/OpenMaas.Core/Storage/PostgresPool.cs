using Npgsql;

namespace OpenMaas.Core.Storage;

/// <summary>
/// The process's one pool of PostgreSQL connections, shared by EF Core and the plain reads and writes of
/// <see cref="DbConnections"/>, so the process never holds more than the connection string's <c>Maximum Pool Size</c>
/// (<see cref="DatabaseOptions.MaxPoolSize"/>). A call that finds the pool full waits up to its <c>Timeout</c>
/// (<see cref="DatabaseOptions.ConnectionWaitSeconds"/>), then fails closed (<see cref="DatabaseFailure"/>).
/// </summary>
internal sealed class PostgresPool(DatabaseTarget target) : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _source = new(() => NpgsqlDataSource.Create(target.ConnectionString));

    public NpgsqlDataSource DataSource => _source.Value;

    public async ValueTask DisposeAsync()
    {
        if (_source.IsValueCreated)
        {
            await _source.Value.DisposeAsync();
        }
    }
}
