namespace OpenMaas.Core.Usage;

/// <summary>Counted calls, units (what they spent of the daily allowances) and tokens of one user (or everyone) on one
/// day, optionally for one model.</summary>
public sealed record UsageTotals(DateOnly Day, long UserId, string? ModelId, int Calls, long PromptTokens, long CompletionTokens, int Units = 0);

/// <summary>Counted calls and units made with one token on one day.</summary>
public sealed record TokenUsage(long UserId, long TokenId, int Calls, int Units = 0);

/// <summary>Units a member counted in an organisation's pools on one day.</summary>
public sealed record OrganizationUsage(long OrganizationId, long UserId, int Units);

/// <summary>Counted calls of one user, model, token and organisation admitted in the current minute window: requests and
/// tokens (prompt + completion), for the rebuild of per-minute counters.</summary>
public sealed record MinuteUsage(long UserId, string ModelId, long? TokenId, long? OrganizationId, int Requests, long Tokens);

/// <summary>Reads the usage log for the usage API, the CLI and the counter rebuild. Only counted calls count.</summary>
public interface IUsageQueries
{
    /// <summary>Per user and day from <paramref name="from"/> on; one user when <paramref name="userId"/> is set.</summary>
    Task<IReadOnlyList<UsageTotals>> PerDayAsync(long? userId, DateOnly from, CancellationToken ct = default);

    /// <summary>Per user and model on one day; one user when <paramref name="userId"/> is set.</summary>
    Task<IReadOnlyList<UsageTotals>> PerModelAsync(long? userId, DateOnly day, CancellationToken ct = default);

    /// <summary>Per token on one day (calls made with a token only); one user when <paramref name="userId"/> is set.</summary>
    Task<IReadOnlyList<TokenUsage>> PerTokenAsync(long? userId, DateOnly day, CancellationToken ct = default);

    /// <summary>Per organisation and member on one day (calls counted in an organisation only).</summary>
    Task<IReadOnlyList<OrganizationUsage>> PerOrganizationAsync(DateOnly day, CancellationToken ct = default);

    /// <summary>Counted calls admitted at or after <paramref name="from"/> (the start of the current minute), grouped
    /// by user, model, token and organisation.</summary>
    Task<IReadOnlyList<MinuteUsage>> SinceAsync(DateTimeOffset from, CancellationToken ct = default);

    /// <summary>Which of <paramref name="requestIds"/> have a counted record on one of <paramref name="days"/> (a dead
    /// node's open calls: those without one are given back).</summary>
    Task<IReadOnlySet<string>> CountedRequestIdsAsync(IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string> requestIds, CancellationToken ct = default);

    /// <summary>Every record of the day for one user, oldest first (audits and tests).</summary>
    Task<IReadOnlyList<UsageRecord>> RecordsAsync(long userId, DateOnly day, CancellationToken ct = default);
}
