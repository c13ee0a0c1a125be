namespace OpenMaas.Core.Quota;

/// <summary>Whose calls on which quota day and model.</summary>
public readonly record struct QuotaKey(long UserId, string ModelId, DateOnly Day);

public enum QuotaVerdict
{
    Admitted,

    /// <summary>The user's daily total is used up.</summary>
    DailyLimitReached,

    /// <summary>The user's daily cap for this model is used up.</summary>
    ModelLimitReached,
}

/// <summary>The outcome of an admission and the counts after it (including this call when admitted).</summary>
public readonly record struct Admission(QuotaVerdict Verdict, int Used, int ModelUsed)
{
    public bool Admitted => Verdict == QuotaVerdict.Admitted;
}

/// <summary>
/// Counts calls per (user, day) and (user, model, day). <see cref="TryAdmitAsync"/> is one atomic check-and-count
/// over every limit that applies: a call rejected by one limit consumes none of the others, and under any
/// concurrency exactly the limit is admitted. The embedded default is in-process; a Redis implementation (one Lua
/// script over both keys) can replace it for several nodes.
/// </summary>
public interface IQuotaCounter
{
    ValueTask<Admission> TryAdmitAsync(QuotaKey key, EffectiveLimits limits, CancellationToken ct = default);

    /// <summary>Gives back an admitted call (it failed on the server before any output).</summary>
    ValueTask RefundAsync(QuotaKey key, CancellationToken ct = default);

    /// <summary>Calls counted for the user on the day, in total and per model.</summary>
    ValueTask<(int Total, IReadOnlyDictionary<string, int> PerModel)> GetUsedAsync(long userId, DateOnly day, CancellationToken ct = default);
}
