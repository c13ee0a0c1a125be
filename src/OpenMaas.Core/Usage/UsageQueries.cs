using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Usage;

internal sealed class UsageQueries(IDbContextFactory<OpenMaasDbContext> factory) : IUsageQueries
{
    /// <summary>Records read back at a time by <see cref="SinceAsync"/>.</summary>
    internal const int PageSize = 1000;

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

    public async Task<IReadOnlyList<MinuteUsage>> SinceAsync(DateTimeOffset from, CancellationToken ct = default)
    {
        // SQLite cannot compare DateTimeOffsets in a query, and no index leads there: read back from the newest record a
        // page at a time. A record is appended when its call ends, so ids follow end times (At + latency, a little
        // later than the end): once a whole page had ended before 'from', no older record was admitted after it.
        await using var db = await factory.CreateDbContextAsync(ct);
        var found = new List<(long UserId, string ModelId, long? TokenId, long? OrganizationId, int Tokens)>();
        var below = long.MaxValue;
        while (true)
        {
            var page = await db.Usage.AsNoTracking().Where(r => r.Id < below).OrderByDescending(r => r.Id).Take(PageSize)
                .Select(r => new { r.Id, r.At, r.LatencyMs, r.Counted, r.UserId, r.ModelId, r.TokenId, r.OrganizationId, r.PromptTokens, r.CompletionTokens })
                .ToListAsync(ct);
            found.AddRange(page.Where(r => r.Counted && r.At >= from).Select(r => (r.UserId, r.ModelId, r.TokenId, r.OrganizationId, r.PromptTokens + r.CompletionTokens)));
            if (page.Count < PageSize || page.All(r => r.At.AddMilliseconds(r.LatencyMs) < from))
            {
                break;
            }

            below = page[^1].Id;
        }

        return [.. found.GroupBy(r => (r.UserId, r.ModelId, r.TokenId, r.OrganizationId))
            .Select(g => new MinuteUsage(g.Key.UserId, g.Key.ModelId, g.Key.TokenId, g.Key.OrganizationId, g.Count(), g.Sum(r => (long)r.Tokens)))];
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
