using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Usage;

internal sealed class UsageQueries(IDbContextFactory<OpenMaasDbContext> factory, DatabaseInitializer initializer) : IUsageQueries
{
    public async Task<IReadOnlyList<UsageTotals>> PerDayAsync(long? userId, DateOnly from, CancellationToken ct = default)
    {
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await Counted(db, userId).Where(r => r.Day >= from)
            .GroupBy(r => new { r.Day, r.UserId })
            .Select(g => new UsageTotals(g.Key.Day, g.Key.UserId, null, g.Count(), g.Sum(r => (long)r.PromptTokens), g.Sum(r => (long)r.CompletionTokens)))
            .OrderBy(t => t.Day).ThenBy(t => t.UserId)
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<UsageTotals>> PerModelAsync(long? userId, DateOnly day, CancellationToken ct = default)
    {
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await Counted(db, userId).Where(r => r.Day == day)
            .GroupBy(r => new { r.UserId, r.ModelId })
            .Select(g => new UsageTotals(day, g.Key.UserId, g.Key.ModelId, g.Count(), g.Sum(r => (long)r.PromptTokens), g.Sum(r => (long)r.CompletionTokens)))
            .OrderBy(t => t.UserId).ThenBy(t => t.ModelId)
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<UsageRecord>> RecordsAsync(long userId, DateOnly day, CancellationToken ct = default)
    {
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Usage.AsNoTracking().Where(r => r.UserId == userId && r.Day == day).OrderBy(r => r.Id).ToListAsync(ct);
    }

    private static IQueryable<UsageRecord> Counted(OpenMaasDbContext db, long? userId)
    {
        var query = db.Usage.AsNoTracking().Where(r => r.Counted);
        return userId is { } id ? query.Where(r => r.UserId == id) : query;
    }
}
