namespace OpenMaas.Core.Quota;

/// <summary>Reads and sets limits. <see cref="ResolveAsync(long, string, long?, long?, CancellationToken)"/> is cached in
/// memory behind the auth change stamp that every change (CLI or server) bumps after it commits, so a limit set by the CLI
/// applies to the next request of a running server.</summary>
public interface IQuotaLimits
{
    /// <summary>Every pool's limits for a call of the user on the model, with the token (its limits row; the token's
    /// own scope cap is the caller's to add) and the organisation when given.</summary>
    Task<EffectiveLimits> ResolveAsync(long userId, string modelId, long? tokenId, long? organizationId, CancellationToken ct = default);

    /// <summary>The user's pools for a call without token or organisation.</summary>
    Task<EffectiveLimits> ResolveAsync(long userId, string modelId, CancellationToken ct = default) =>
        ResolveAsync(userId, modelId, null, null, ct);

    /// <summary>The user's daily total and every model cap that applies to the user.</summary>
    Task<(int Daily, IReadOnlyDictionary<string, int> ModelCaps)> ResolveAllAsync(long userId, CancellationToken ct = default);

    /// <summary>Sets the given values on a scope (others kept; <see cref="LimitValues.Clear"/> removes one). Throws
    /// <see cref="ArgumentException"/> for a scope that means nothing or a negative value.</summary>
    Task SetAsync(LimitScope scope, LimitValues values, CancellationToken ct = default);

    /// <summary>Sets a daily limit: the default (no user, no model), a user's total, a model's per-user cap, or both.</summary>
    Task SetAsync(long? userId, string? modelId, int dailyCalls, CancellationToken ct = default) =>
        SetAsync(new LimitScope(userId, modelId), new LimitValues(Daily: dailyCalls), ct);

    Task<IReadOnlyList<QuotaLimit>> ListAsync(CancellationToken ct = default);
}
