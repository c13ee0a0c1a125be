namespace OpenMaas.Core.Quota;

/// <summary>What a <see cref="QuotaLimit"/> applies to.</summary>
public enum LimitScopeKind
{
    /// <summary>Every user (the default user pool).</summary>
    Default,

    /// <summary>One user's pool.</summary>
    User,

    /// <summary>A model: every user's daily cap for it, and its global per-minute limits.</summary>
    Model,

    /// <summary>One user's cap for one model.</summary>
    UserModel,

    /// <summary>One access token's pool.</summary>
    Token,

    /// <summary>An organisation's shared pool.</summary>
    Organization,

    /// <summary>One member's cap inside an organisation.</summary>
    Member,
}

/// <summary>The scope of a limit: which of user, model, token and organisation it names.</summary>
public readonly record struct LimitScope(long? UserId = null, string? ModelId = null, long? TokenId = null, long? OrganizationId = null)
{
    /// <summary>The kind, or null for a combination that means nothing (e.g. a token and a model).</summary>
    public LimitScopeKind? Kind => (UserId, ModelId, TokenId, OrganizationId) switch
    {
        (null, null, null, null) => LimitScopeKind.Default,
        (not null, null, null, null) => LimitScopeKind.User,
        (null, not null, null, null) => LimitScopeKind.Model,
        (not null, not null, null, null) => LimitScopeKind.UserModel,
        (null, null, not null, null) => LimitScopeKind.Token,
        (null, null, null, not null) => LimitScopeKind.Organization,
        (not null, null, null, not null) => LimitScopeKind.Member,
        _ => null,
    };

    public const string Combinations =
        "Limits apply to: everyone (no scope), --user, --model, --user with --model, --token, --org, or --org with --user (a member's cap inside the organisation).";
}

/// <summary>The values to set on a scope; a null value is left as it is.</summary>
public readonly record struct LimitValues(int? Daily = null, int? Rpm = null, int? Tpm = null)
{
    /// <summary>The value that removes a limit (leaves it to the fallback, or unlimited).</summary>
    public const int Clear = -1;

    public bool Any => Daily is not null || Rpm is not null || Tpm is not null;
}
