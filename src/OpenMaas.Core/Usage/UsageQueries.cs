using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Usage;

internal sealed class UsageQueries(IDbContextFactory<OpenMaasDbContext> factory) : IUsageQueries
{
    public async Task<IReadOnlyList<UsageTotals>> PerDayAsync(long? userId, DateOnly from, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await Counted(db, userId).Where(r => r.Day >= from)
            .GroupBy(r => new { r.Day, r.UserId })
            .Select(g => new { g.Key.Day, g.Key.UserId, Calls = g.Count(), Units = g.Sum(r => r.Units), Prompt = g.Sum(r => (long)r.PromptTokens), Completion = g.Sum(r => (long)r.CompletionTokens) })
            .ToListAsync(ct);
        return [.. rows.OrderBy(t => t.Day).ThenBy(t => t.UserId).Select(t => new UsageTotals(t.Day, t.UserId, null, t.Calls, t.Prompt, t.Completion, t.Units))];
    }

    public async Task<IReadOnlyList<UsageTotals>> PerModelAsync(long? userId, DateOnly day, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await Counted(db, userId).Where(r => r.Day == day)
            .GroupBy(r => new { r.UserId, r.ModelId })
            .Select(g => new { g.Key.UserId, g.Key.ModelId, Calls = g.Count(), Units = g.Sum(r => r.Units), Prompt = g.Sum(r => (long)r.PromptTokens), Completion = g.Sum(r => (long)r.CompletionTokens) })
            .ToListAsync(ct);
        return [.. rows.OrderBy(t => t.UserId).ThenBy(t => t.ModelId, StringComparer.Ordinal).Select(t => new UsageTotals(day, t.UserId, t.ModelId, t.Calls, t.Prompt, t.Completion, t.Units))];
    }

    public async Task<IReadOnlyList<TokenUsage>> PerTokenAsync(long? userId, DateOnly day, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await Counted(db, userId).Where(r => r.Day == day && r.TokenId != null)
            .GroupBy(r => new { r.UserId, r.TokenId })
            .Select(g => new { g.Key.UserId, g.Key.TokenId, Calls = g.Count(), Units = g.Sum(r => r.Units) })
            .ToListAsync(ct);
        return [.. rows.OrderBy(t => t.TokenId).Select(t => new TokenUsage(t.UserId, t.TokenId!.Value, t.Calls, t.Units))];
    }

    public async Task<IReadOnlyList<OrganizationUsage>> PerOrganizationAsync(DateOnly day, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await Counted(db, null).Where(r => r.Day == day && r.OrganizationId != null)
            .GroupBy(r => new { r.OrganizationId, r.UserId })
            .Select(g => new { g.Key.OrganizationId, g.Key.UserId, Units = g.Sum(r => r.Units) })
            .ToListAsync(ct);
        return [.. rows.Select(t => new OrganizationUsage(t.OrganizationId!.Value, t.UserId, t.Units))];
    }

    public async Task<IReadOnlySet<string>> CountedRequestIdsAsync(IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string> requestIds, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var found = await Counted(db, null).Where(r => days.Contains(r.Day) && requestIds.Contains(r.RequestId)).Select(r => r.RequestId).ToListAsync(ct);
        return found.ToHashSet(StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<UsageRecord>> RecordsAsync(long userId, DateOnly day, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Usage.AsNoTracking().Where(r => r.UserId == userId && r.Day == day).OrderBy(r => r.Id).ToListAsync(ct);
    }

    private static IQueryable<UsageRecord> Counted(OpenMaasDbContext db, long? userId)
    {
        var query = db.Usage.AsNoTracking().Where(r => r.Counted);
        return userId is { } id ? query.Where(r => r.UserId == id) : query;
    }
}
