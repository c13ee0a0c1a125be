using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Responses;

/// <summary>The stored answers of the Responses API, each readable only by the user who made it.</summary>
public interface IResponseStore
{
    /// <summary>Keeps <paramref name="response"/>.</summary>
    Task SaveAsync(StoredResponse response, CancellationToken ct = default);

    /// <summary>The user's response <paramref name="id"/>, or null (unknown, another user's, or past retention).</summary>
    Task<StoredResponse?> FindAsync(string id, long userId, CancellationToken ct = default);

    /// <summary>Deletes the user's response <paramref name="id"/>; false when there was none to delete.</summary>
    Task<bool> DeleteAsync(string id, long userId, CancellationToken ct = default);

    /// <summary>Removes every response older than the retention period; returns how many.</summary>
    Task<int> RemoveExpiredAsync(CancellationToken ct = default);
}

internal sealed class ResponseStore(IDbContextFactory<OpenMaasDbContext> factory, IOptions<ResponsesOptions> options, TimeProvider clock) : IResponseStore
{
    private long Cutoff => (clock.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays)).ToUnixTimeMilliseconds();

    public async Task SaveAsync(StoredResponse response, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Responses.Add(response);
        await db.SaveChangesAsync(ct);
    }

    public async Task<StoredResponse?> FindAsync(string id, long userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cutoff = Cutoff;
        return await db.Responses.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.UserId == userId && r.CreatedAtMs >= cutoff, ct);
    }

    public async Task<bool> DeleteAsync(string id, long userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Responses.Where(r => r.Id == id && r.UserId == userId).ExecuteDeleteAsync(ct) > 0;
    }

    public async Task<int> RemoveExpiredAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cutoff = Cutoff;
        return await db.Responses.Where(r => r.CreatedAtMs < cutoff).ExecuteDeleteAsync(ct);
    }
}
