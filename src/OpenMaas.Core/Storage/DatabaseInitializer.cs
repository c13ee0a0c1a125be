using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Core.Storage;

/// <summary>Creates the data folder and the schema, and switches SQLite to WAL so the CLI and a
/// running server can share the database file.</summary>
public sealed class DatabaseInitializer(IDbContextFactory<OpenMaasDbContext> factory, IOptions<DataOptions> data)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _done;

    public async Task EnsureInitializedAsync(CancellationToken ct = default)
    {
        if (_done)
        {
            return;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_done)
            {
                return;
            }

            DataFolderPermissions.Secure(data.Value.FullPath);
            await using var db = await factory.CreateDbContextAsync(ct);
            if (!await db.Database.EnsureCreatedAsync(ct) && await SchemaCheck.FindMissingAsync(db, ct) is { Count: > 0 } missing)
            {
                throw new InvalidOperationException(
                    $"The database {data.Value.DatabaseFile} was made by an older OpenMaaS and lacks {string.Join(", ", missing)}. " +
                    "There are no schema migrations yet: move the data folder (or that file) away and start again.");
            }

            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", ct);
            _done = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
