using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Quota;

internal sealed class QuotaLimits(
    IDbContextFactory<OpenMaasDbContext> factory,
    DatabaseInitializer initializer,
    IOptions<QuotaOptions> options,
    TimeProvider clock) : IQuotaLimits
{
    private static readonly Func<OpenMaasDbContext, long, string, IAsyncEnumerable<QuotaLimit>> ForCall = EF.CompileAsyncQuery(
        (OpenMaasDbContext db, long userId, string modelId) => db.QuotaLimits.AsNoTracking()
            .Where(l => (l.UserId == null || l.UserId == userId) && (l.ModelId == null || l.ModelId == modelId)));

    public async Task<EffectiveLimits> ResolveAsync(long userId, string modelId, CancellationToken ct = default)
    {
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = new List<QuotaLimit>(4);
        await foreach (var row in ForCall(db, userId, modelId).WithCancellation(ct))
        {
            rows.Add(row);
        }

        int? modelCap = (rows.Find(r => r.UserId == userId && r.ModelId is not null) ?? rows.Find(r => r.UserId is null && r.ModelId is not null))?.DailyCalls;
        return new EffectiveLimits(Daily(rows, userId), modelCap);
    }

    public async Task<(int Daily, IReadOnlyDictionary<string, int> ModelCaps)> ResolveAllAsync(long userId, CancellationToken ct = default)
    {
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.QuotaLimits.AsNoTracking().Where(l => l.UserId == null || l.UserId == userId).ToListAsync(ct);
        var caps = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r.ModelId is not null).OrderBy(r => r.UserId is null ? 0 : 1))
        {
            caps[row.ModelId!] = row.DailyCalls; // a user's own cap overrides the cap for everyone
        }

        return (Daily(rows, userId), caps);
    }

    public async Task SetAsync(long? userId, string? modelId, int dailyCalls, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dailyCalls);
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var limit = await db.QuotaLimits.FirstOrDefaultAsync(l => l.UserId == userId && l.ModelId == modelId, ct);
        if (limit is null)
        {
            limit = new QuotaLimit { UserId = userId, ModelId = modelId };
            db.QuotaLimits.Add(limit);
        }

        limit.DailyCalls = dailyCalls;
        limit.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<QuotaLimit>> ListAsync(CancellationToken ct = default)
    {
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.QuotaLimits.AsNoTracking().OrderBy(l => l.UserId).ThenBy(l => l.ModelId).ToListAsync(ct);
    }

    private int Daily(List<QuotaLimit> rows, long userId) =>
        (rows.Find(r => r.UserId == userId && r.ModelId is null) ?? rows.Find(r => r.UserId is null && r.ModelId is null))?.DailyCalls
        ?? options.Value.DailyCalls;
}
