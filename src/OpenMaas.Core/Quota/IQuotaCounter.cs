namespace OpenMaas.Core.Quota;

/// <summary>Whose calls on which quota day and model, and with which token (null: a session, not a token).</summary>
public readonly record struct QuotaKey(long UserId, string ModelId, DateOnly Day, long? TokenId = null);

public enum QuotaVerdict
{
    Admitted,

    /// <summary>The user's daily total is used up.</summary>
    DailyLimitReached,

    /// <summary>The user's daily cap for this model is used up.</summary>
    ModelLimitReached,

    /// <summary>The token's own daily cap is used up.</summary>
    TokenLimitReached,
}

/// <summary>The outcome of an admission and the counts after it (including this call when admitted).</summary>
public readonly record struct Admission(QuotaVerdict Verdict, int Used, int ModelUsed, int TokenUsed = 0)
{
    public bool Admitted => Verdict == QuotaVerdict.Admitted;
}

/// <summary>
/// Counts calls per (user, day), (user, model, day) and (token, day). <see cref="TryAdmitAsync"/> is one atomic
/// check-and-count over every limit that applies (the user's total, the model's cap, the token's cap): a call rejected
/// by one limit consumes none of the others, and under any concurrency exactly the smallest limit is admitted. The
/// embedded default is in-process; a Redis implementation (one Lua script over all keys) can replace it for several nodes.
/// </summary>
public interface IQuotaCounter
{
    ValueTask<Admission> TryAdmitAsync(QuotaKey key, EffectiveLimits limits, CancellationToken ct = default);

    /// <summary>Gives back an admitted call (it failed on the server before any output).</summary>
    ValueTask RefundAsync(QuotaKey key, CancellationToken ct = default);

    /// <summary>Calls counted for the user on the day, in total and per model.</summary>
    ValueTask<(int Total, IReadOnlyDictionary<string, int> PerModel)> GetUsedAsync(long userId, DateOnly day, CancellationToken ct = default);
}
