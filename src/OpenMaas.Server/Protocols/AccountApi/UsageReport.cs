using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;

namespace OpenMaas.Server.Protocols.AccountApi;

/// <summary>What <c>GET /api/v1/usage</c> returns: today against the limits, per model, and the last days.</summary>
internal sealed record UsageReport(string User, string TimeZone, UsageReport.Today TodayUsage, IReadOnlyList<UsageReport.Model> Models, IReadOnlyList<UsageReport.Day> Days)
{
    public sealed record Today(DateOnly Date, int Used, int Limit, int Remaining, DateTimeOffset ResetsAt);

    public sealed record Model(string Id, int Used, int? Limit, int? Remaining);

    public sealed record Day(DateOnly Date, int Calls, long PromptTokens, long CompletionTokens);
}

/// <summary>Builds usage reports: today's counts come from the live counters (calls in flight included), the
/// history from the usage log.</summary>
internal sealed class UsageReporter(IQuotaCounter counter, IQuotaLimits limits, IUsageQueries usage, QuotaCalendar calendar)
{
    public const int HistoryDays = 30;

    public async Task<UsageReport> BuildAsync(UserAccount user, CancellationToken ct)
    {
        var today = calendar.Today();
        var (used, perModel) = await counter.GetUsedAsync(user.Id, today.Date, ct);
        var (daily, caps) = await limits.ResolveAllAsync(user.Id, ct);
        var models = perModel.Keys.Union(caps.Keys).Order(StringComparer.Ordinal).Select(id =>
        {
            var modelUsed = perModel.GetValueOrDefault(id);
            int? cap = caps.TryGetValue(id, out var c) ? c : null;
            return new UsageReport.Model(id, modelUsed, cap, cap is { } l ? Math.Max(0, l - modelUsed) : null);
        });
        var history = await usage.PerDayAsync(user.Id, today.Date.AddDays(1 - HistoryDays), ct);
        return new UsageReport(
            user.Name,
            calendar.Zone.Id,
            new UsageReport.Today(today.Date, used, daily, Math.Max(0, daily - used), today.ResetsAt),
            [.. models],
            [.. history.Select(d => new UsageReport.Day(d.Day, d.Calls, d.PromptTokens, d.CompletionTokens))]);
    }
}
