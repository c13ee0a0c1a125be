namespace OpenMaas.Core.Tokens;

/// <summary>Issues, lists, revokes and checks access tokens. Checks are cached in memory behind the auth change stamp
/// that every change (by the CLI or the API) bumps after it commits, so a revocation takes effect on the next
/// request; expiry is checked against the clock on every call.</summary>
public interface ITokenService
{
    /// <summary>Creates a token; the returned text is the only time it exists outside the caller.</summary>
    Task<CreatedToken> CreateAsync(long userId, string? description, int? expiresDays, CancellationToken ct = default) =>
        CreateAsync(userId, description, expiresDays, TokenScope.Unrestricted, ct);

    /// <summary>Creates a token limited to <paramref name="scope"/>; what <see cref="TokenRules"/> refuses throws
    /// <see cref="RuleViolationException"/> (front ends check the rules first).</summary>
    Task<CreatedToken> CreateAsync(long userId, string? description, int? expiresDays, TokenScope scope, CancellationToken ct = default) =>
        CreateAsync(userId, description, expiresDays, scope, null, ct);

    /// <summary>Creates a token; with <paramref name="organizationId"/>, one owned by that organisation for
    /// <paramref name="userId"/> (the caller checks that the user is a member and that the maker may).</summary>
    Task<CreatedToken> CreateAsync(long userId, string? description, int? expiresDays, TokenScope scope, long? organizationId, CancellationToken ct = default);

    /// <summary>The tokens an organisation owns, newest first.</summary>
    Task<IReadOnlyList<TokenInfo>> ListByOrganizationAsync(long organizationId, CancellationToken ct = default);

    /// <summary>Replaces the token's scope; it applies from the next call on. False when there is no such token.</summary>
    Task<bool> SetScopeAsync(long id, TokenScope scope, CancellationToken ct = default);

    /// <summary>The tokens of one user, or of everyone when <paramref name="userId"/> is null; newest first.</summary>
    Task<IReadOnlyList<TokenInfo>> ListAsync(long? userId, CancellationToken ct = default);

    Task<TokenInfo?> FindAsync(long id, CancellationToken ct = default);

    /// <summary>Finds tokens by numeric ID or display prefix (<c>ms-xxxxxxxx</c>).</summary>
    Task<IReadOnlyList<TokenInfo>> FindAsync(string idOrPrefix, CancellationToken ct = default);

    /// <summary>Gives the token a new text (same id, scope, caps and history); the old text keeps working for
    /// <paramref name="grace"/> (zero: refused at once), then is refused. Null when there is no such token; a revoked
    /// or expired token, or a grace <see cref="TokenRules"/> refuses, throws <see cref="RuleViolationException"/>.</summary>
    Task<CreatedToken?> RotateAsync(long id, TimeSpan grace, CancellationToken ct = default);

    /// <summary>Revokes the token; false when unknown or already revoked.</summary>
    Task<bool> RevokeAsync(long id, CancellationToken ct = default);

    /// <summary>Checks presented token text and says why it is refused when it is.</summary>
    Task<TokenCheck> CheckAsync(string text, CancellationToken ct = default);
}

public sealed record CreatedToken(string Text, TokenInfo Info);

/// <summary>What may be shown about a token: never its text. <see cref="UsedToday"/> counts its completed calls of
/// the current quota day (from the usage log).</summary>
public sealed record TokenInfo(
    long Id,
    long UserId,
    string UserName,
    string Prefix,
    string Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    TokenScope Scope,
    int UsedToday)
{
    /// <summary>The organisation that owns the token; null for a personal one.</summary>
    public long? OrganizationId { get; init; }

    /// <summary>When the token last got a new text (<see cref="ITokenService.RotateAsync"/>).</summary>
    public DateTimeOffset? RotatedAt { get; init; }

    /// <summary>Until when the text before the last rotation is still accepted.</summary>
    public DateTimeOffset? PreviousValidUntil { get; init; }
}

public enum TokenStatus
{
    Valid,
    Malformed,
    Unknown,
    Expired,
    Revoked,
    UserDisabled,

    /// <summary>The token's previous text, after a rotation's grace period.</summary>
    Rotated,
}

public sealed record TokenCheck(TokenStatus Status, long TokenId = 0, long UserId = 0, string? UserName = null, string? Role = null)
{
    /// <summary>What a valid token may call and spend.</summary>
    public TokenScope Scope { get; init; } = TokenScope.Unrestricted;

    /// <summary>The organisation that owns a valid token; null for a personal one.</summary>
    public long? OrganizationId { get; init; }

    public bool IsValid => Status == TokenStatus.Valid;
}
