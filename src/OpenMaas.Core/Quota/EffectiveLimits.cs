namespace OpenMaas.Core.Quota;

/// <summary>The pools a call counts against. Every pool has a daily allowance in units and per-minute request and token
/// windows.</summary>
public enum QuotaPool : byte
{
    User,
    UserModel,
    Token,
    Organization,
    Member,
    Model,
}

/// <summary>One pool's limits; null: not limited.</summary>
public readonly record struct PoolLimits(int? Daily = null, int? Rpm = null, int? Tpm = null)
{
    public bool PerMinute => Rpm is not null || Tpm is not null;
}

/// <summary>The limits that apply to one call, per pool. The positional members are the daily limits that existed first:
/// the user's total, the user's cap for the model, the token's cap.</summary>
public readonly record struct EffectiveLimits
{
    public EffectiveLimits(int daily, int? modelDaily, int? tokenDaily = null)
    {
        User = new PoolLimits(daily);
        UserModel = new PoolLimits(modelDaily);
        Token = new PoolLimits(tokenDaily);
    }

    public PoolLimits User { get; init; }

    /// <summary>The user's cap for the model (daily; per-minute when set for that user and model).</summary>
    public PoolLimits UserModel { get; init; }

    public PoolLimits Token { get; init; }

    /// <summary>The caller's organisation's shared pool (only with an organisation).</summary>
    public PoolLimits Organization { get; init; }

    /// <summary>The caller's cap inside the organisation (only with an organisation).</summary>
    public PoolLimits Member { get; init; }

    /// <summary>The model's global per-minute limits (every caller together).</summary>
    public PoolLimits Model { get; init; }

    public int Daily => User.Daily ?? int.MaxValue;

    public int? ModelDaily => UserModel.Daily;

    public int? TokenDaily => Token.Daily;

    public PoolLimits this[QuotaPool pool] => pool switch
    {
        QuotaPool.User => User,
        QuotaPool.UserModel => UserModel,
        QuotaPool.Token => Token,
        QuotaPool.Organization => Organization,
        QuotaPool.Member => Member,
        _ => Model,
    };

    /// <summary>True when any pool has a per-minute limit (only then are minute windows counted).</summary>
    public bool PerMinute => User.PerMinute || UserModel.PerMinute || Token.PerMinute || Organization.PerMinute || Member.PerMinute || Model.PerMinute;
}

/// <summary>What one call spends: <paramref name="Units"/> of the daily allowances (its model's weight), one request and
/// <paramref name="Tokens"/> (the input estimate) of the minute window <paramref name="Minute"/> (Unix minutes, UTC).</summary>
public readonly record struct CallCost(int Units, int Tokens, long Minute)
{
    /// <summary>The call's request id (its usage record's <c>RequestId</c>), when the counter should know it: the shared
    /// counter tracks each admitted call under its node until the call settles, so a node that dies with calls open has
    /// them given back (docs/scaling.md, "A node killed"). Null: not tracked.</summary>
    public string? CallId { get; init; }

    /// <summary>One unit, no tokens, no minute window: the cost before per-minute limits and weights.</summary>
    public static CallCost One => new(1, 0, 0);

    /// <summary>The UTC minute window of an instant.</summary>
    public static long MinuteOf(DateTimeOffset instant) => instant.ToUnixTimeSeconds() / 60;

    /// <summary>When a minute window ends.</summary>
    public static DateTimeOffset MinuteEnd(long minute) => DateTimeOffset.FromUnixTimeSeconds((minute + 1) * 60);

    /// <summary>A cheap input estimate for a body whose tokens are not known before the call runs: bytes / 4, at least 1.</summary>
    public static int EstimateTokens(long bytes) => (int)Math.Clamp(bytes / 4, 1, int.MaxValue);
}
