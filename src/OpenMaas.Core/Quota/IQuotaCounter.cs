namespace OpenMaas.Core.Quota;

/// <summary>Whose calls on which quota day and model, with which token (null: a session, not a token) and in which
/// organisation (null: none; no organisation pools).</summary>
public readonly record struct QuotaKey(long UserId, string ModelId, DateOnly Day, long? TokenId = null, long? OrganizationId = null);

public enum QuotaVerdict
{
    Admitted,

    /// <summary>The user's daily total is used up.</summary>
    DailyLimitReached,

    /// <summary>The user's daily cap for this model is used up.</summary>
    ModelLimitReached,

    /// <summary>The token's own daily cap is used up.</summary>
    TokenLimitReached,

    /// <summary>The organisation's shared daily allowance is used up.</summary>
    OrganizationLimitReached,

    /// <summary>The member's daily cap inside the organisation is used up.</summary>
    MemberLimitReached,

    /// <summary>A pool's requests per minute are used up (<see cref="Admission.Pool"/> says which).</summary>
    RequestRateReached,

    /// <summary>A pool's tokens per minute would be exceeded (<see cref="Admission.Pool"/> says which).</summary>
    TokenRateReached,
}

/// <summary>The tightest per-minute window of an admission: requests and tokens left in the minute (null: no such
/// limit), for the <c>x-ratelimit-*</c> headers.</summary>
public readonly record struct MinuteWindow(int? RequestLimit, int RequestsRemaining, int? TokenLimit, long TokensRemaining, long Minute);

/// <summary>The outcome of an admission and the counts after it (including this call when admitted). Counts are units.</summary>
public readonly record struct Admission(QuotaVerdict Verdict, int Used, int ModelUsed, int TokenUsed = 0)
{
    public bool Admitted => Verdict == QuotaVerdict.Admitted;

    /// <summary>The pool that refused the call (meaningful when not admitted).</summary>
    public QuotaPool Pool { get; init; }

    /// <summary>Units used in the organisation's and the member's pools (with an organisation).</summary>
    public int OrganizationUsed { get; init; }

    public int MemberUsed { get; init; }

    /// <summary>The tightest per-minute window (all null when no per-minute limit applies).</summary>
    public MinuteWindow Minute { get; init; }
}

/// <summary>
/// Counts what calls spend in every pool (<see cref="QuotaPool"/>): daily units per (user), (user, model), (token),
/// (organisation), (member in organisation), and requests and tokens per UTC minute in every pool that has a per-minute
/// limit. <see cref="TryAdmitAsync(QuotaKey, EffectiveLimits, CallCost, CancellationToken)"/> is one atomic
/// check-and-count over all of them: a call rejected by one limit consumes none of the others, and under any concurrency
/// exactly the smallest limit is admitted. The embedded default is in-process; a Redis implementation (one Lua script
/// over all keys) replaces it for several nodes.
/// </summary>
public interface IQuotaCounter
{
    ValueTask<Admission> TryAdmitAsync(QuotaKey key, EffectiveLimits limits, CallCost cost, CancellationToken ct = default);

    /// <summary>Admits a call of one unit with no per-minute cost.</summary>
    ValueTask<Admission> TryAdmitAsync(QuotaKey key, EffectiveLimits limits, CancellationToken ct = default) =>
        TryAdmitAsync(key, limits, CallCost.One, ct);

    /// <summary>Gives back everything an admitted call spent (it failed on the server before any output): its units in
    /// every daily pool and, while its minute window lasts, its request and tokens in every pool
    /// <paramref name="limits"/> counted per minute.</summary>
    ValueTask RefundAsync(QuotaKey key, CallCost cost, EffectiveLimits limits, CancellationToken ct = default);

    /// <summary>Gives back one unit (no per-minute cost).</summary>
    ValueTask RefundAsync(QuotaKey key, CancellationToken ct = default) => RefundAsync(key, CallCost.One, default, ct);

    /// <summary>Settles the tokens of an admitted call: its minute windows count <paramref name="actualTokens"/> instead of
    /// the estimate it was admitted on (nothing once the window has passed).</summary>
    ValueTask SettleTokensAsync(QuotaKey key, CallCost cost, EffectiveLimits limits, int actualTokens, CancellationToken ct = default);

    /// <summary>Units counted for the user on the day, in total and per model.</summary>
    ValueTask<(int Total, IReadOnlyDictionary<string, int> PerModel)> GetUsedAsync(long userId, DateOnly day, CancellationToken ct = default);

    /// <summary>Units counted on the day in an organisation's pool and in the user's member pool inside it.</summary>
    ValueTask<(int Organization, int Member)> GetOrganizationUsedAsync(long organizationId, long userId, DateOnly day, CancellationToken ct = default);
}
