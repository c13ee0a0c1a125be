using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;

namespace OpenMaas.Server.Protocols.AccountApi;

/// <summary>What <c>GET /api/v1/usage</c> returns: today against the limits, per model, and the last days.</summary>
internal sealed record UsageReport(string User, string TimeZone, UsageReport.Today TodayUsage, IReadOnlyList<UsageReport.Model> Models, IReadOnlyList<UsageReport.Day> Days)
{
    /// <summary>Today: <paramref name="Used"/>, <paramref name="Limit"/> and <paramref name="Remaining"/> are units (a call
    /// spends its model's weight); <paramref name="Calls"/> counts the calls recorded in the usage log.</summary>
    public sealed record Today(DateOnly Date, int Used, int Limit, int Remaining, DateTimeOffset ResetsAt, int Calls = 0);

    public sealed record Model(string Id, int Used, int? Limit, int? Remaining, int Calls = 0, int Weight = 1);

    public sealed record Day(DateOnly Date, int Calls, long PromptTokens, long CompletionTokens, int Units = 0);
}

/// <summary>Builds usage reports: today's counts come from the live counters (calls in flight included), the
/// history from the usage log.</summary>
internal sealed class UsageReporter(IQuotaCounter counter, IQuotaLimits limits, IUsageQueries usage, QuotaCalendar calendar, IModelCatalog catalog)
{
    public const int HistoryDays = 30;

    public async Task<UsageReport> BuildAsync(UserAccount user, CancellationToken ct)
    {
        var today = calendar.Today();
        var (used, perModel) = await counter.GetUsedAsync(user.Id, today.Date, ct);
        var (daily, caps) = await limits.ResolveAllAsync(user.Id, ct);
        var calls = (await usage.PerModelAsync(user.Id, today.Date, ct)).ToDictionary(t => t.ModelId!, t => t.Calls, StringComparer.Ordinal);
        var models = new List<UsageReport.Model>();
        foreach (var id in perModel.Keys.Union(caps.Keys).Order(StringComparer.Ordinal))
        {
            var modelUsed = perModel.GetValueOrDefault(id);
            int? cap = caps.TryGetValue(id, out var c) ? c : null;
            var weight = (await catalog.FindAsync(id, ct))?.Weight ?? 1;
            models.Add(new UsageReport.Model(id, modelUsed, cap, cap is { } l ? Math.Max(0, l - modelUsed) : null, calls.GetValueOrDefault(id), weight));
        }

        var history = await usage.PerDayAsync(user.Id, today.Date.AddDays(1 - HistoryDays), ct);
        return new UsageReport(
            user.Name,
            calendar.Zone.Id,
            new UsageReport.Today(today.Date, used, daily, Math.Max(0, daily - used), today.ResetsAt, calls.Values.Sum()),
            models,
            [.. history.Select(d => new UsageReport.Day(d.Day, d.Calls, d.PromptTokens, d.CompletionTokens, d.Units))]);
    }
}
