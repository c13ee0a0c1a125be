namespace OpenMaas.Core.Quota;

/// <summary>Reads and sets daily limits. <see cref="ResolveAsync"/> is cached in memory behind the auth change stamp
/// that every change (CLI or server) bumps after it commits, so a limit set by the CLI applies to the next request
/// of a running server.</summary>
public interface IQuotaLimits
{
    Task<EffectiveLimits> ResolveAsync(long userId, string modelId, CancellationToken ct = default);

    /// <summary>The user's daily total and every model cap that applies to the user.</summary>
    Task<(int Daily, IReadOnlyDictionary<string, int> ModelCaps)> ResolveAllAsync(long userId, CancellationToken ct = default);

    Task SetAsync(long? userId, string? modelId, int dailyCalls, CancellationToken ct = default);

    Task<IReadOnlyList<QuotaLimit>> ListAsync(CancellationToken ct = default);
}
