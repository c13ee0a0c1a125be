using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Core.Storage;

/// <summary>
/// Plain pooled SQLite connections for the two reads every inference call makes (token check, limits). EF Core costs
/// about 90 µs per query here; a prepared statement on a pooled connection a fraction of that. Everything else
/// goes through <see cref="OpenMaasDbContext"/>. Column names follow the EF model.
/// </summary>
internal sealed class SqliteReads(IOptions<DataOptions> data, DatabaseInitializer initializer)
{
    private readonly string _connectionString = StorageServiceCollectionExtensions.ConnectionString(data.Value);

    public async ValueTask<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        await initializer.EnsureInitializedAsync(ct);
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
