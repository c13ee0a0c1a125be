using System.Globalization;
using OpenMaas.Core.Quota;

namespace OpenMaas.Server.Pipeline;

/// <summary>The quota's wire format, the same on every surface: ModelScope's daily rate-limit headers, OpenAI's per-minute
/// <c>x-ratelimit-*</c> headers (the tightest pool's), and the 429.</summary>
internal static class QuotaResponses
{
    public const string LimitHeader = "modelscope-ratelimit-requests-limit";
    public const string RemainingHeader = "modelscope-ratelimit-requests-remaining";
    public const string ModelLimitHeader = "modelscope-ratelimit-model-requests-limit";
    public const string ModelRemainingHeader = "modelscope-ratelimit-model-requests-remaining";
    public const string TokenLimitHeader = "x-openmaas-token-requests-limit";
    public const string TokenRemainingHeader = "x-openmaas-token-requests-remaining";
    public const string RequestsLimitHeader = "x-ratelimit-limit-requests";
    public const string RequestsRemainingHeader = "x-ratelimit-remaining-requests";
    public const string RequestsResetHeader = "x-ratelimit-reset-requests";
    public const string TokensLimitHeader = "x-ratelimit-limit-tokens";
    public const string TokensRemainingHeader = "x-ratelimit-remaining-tokens";
    public const string TokensResetHeader = "x-ratelimit-reset-tokens";

    public static void SetHeaders(HttpResponse response, EffectiveLimits limits, Admission admission, DateTimeOffset now)
    {
        var headers = response.Headers;
        headers[LimitHeader] = Text(limits.Daily);
        headers[RemainingHeader] = Text(Math.Max(0, limits.Daily - admission.Used));
        if (limits.ModelDaily is { } cap)
        {
            headers[ModelLimitHeader] = Text(cap);
            headers[ModelRemainingHeader] = Text(Math.Max(0, cap - admission.ModelUsed));
        }

        if (limits.TokenDaily is { } tokenCap)
        {
            headers[TokenLimitHeader] = Text(tokenCap);
            headers[TokenRemainingHeader] = Text(Math.Max(0, tokenCap - admission.TokenUsed));
        }

        var window = admission.Minute;
        var reset = SecondsToMinuteEnd(window.Minute, now).ToString(CultureInfo.InvariantCulture) + "s";
        if (window.RequestLimit is { } rpm)
        {
            headers[RequestsLimitHeader] = Text(rpm);
            headers[RequestsRemainingHeader] = Text(window.RequestsRemaining);
            headers[RequestsResetHeader] = reset;
        }

        if (window.TokenLimit is { } tpm)
        {
            headers[TokensLimitHeader] = Text(tpm);
            headers[TokensRemainingHeader] = window.TokensRemaining.ToString(CultureInfo.InvariantCulture);
            headers[TokensResetHeader] = reset;
        }
    }

    /// <summary>Whole seconds until a minute window ends, at least 1 (for <c>Retry-After</c>).</summary>
    public static long SecondsToMinuteEnd(long minute, DateTimeOffset now) =>
        Math.Max(1, (long)Math.Ceiling((CallCost.MinuteEnd(minute) - now).TotalSeconds));

    /// <summary>The 429 (with <c>Retry-After</c>: seconds to the end of the day or of the minute window) whose message
    /// names the limit and when it resets.</summary>
    public static CallException Rejected(Admission admission, EffectiveLimits limits, string modelId, QuotaDay day, DateTimeOffset now)
    {
        var (message, code) = Describe(admission, limits, modelId, day, now);
        var perMinute = admission.Verdict is QuotaVerdict.RequestRateReached or QuotaVerdict.TokenRateReached;
        return new CallException(StatusCodes.Status429TooManyRequests, CallErrorKind.RateLimit, message, code: code)
        {
            RetryAfterSeconds = perMinute ? SecondsToMinuteEnd(admission.Minute.Minute, now) : day.SecondsUntilReset(now),
        };
    }

    /// <inheritdoc cref="Rejected(Admission, EffectiveLimits, string, QuotaDay, DateTimeOffset)"/>
    public static CallException Rejected(QuotaVerdict verdict, EffectiveLimits limits, string modelId, QuotaDay day, DateTimeOffset now) =>
        Rejected(new Admission(verdict, 0, 0), limits, modelId, day, now);

    /// <summary>The 429's message (naming the limit that was hit and the reset time) and its code; the same on every surface.
    /// Daily allowances count units (a call spends its model's weight); the messages that predate weights keep saying calls.</summary>
    public static (string Message, string Code) Describe(Admission admission, EffectiveLimits limits, string modelId, QuotaDay day, DateTimeOffset now) => admission.Verdict switch
    {
        QuotaVerdict.ModelLimitReached => ($"Daily quota for model {modelId} exceeded: you have used all {limits.ModelDaily} calls allowed per day for this model. It resets at {day.ResetText}.", "model_daily_quota_exceeded"),
        QuotaVerdict.TokenLimitReached => ($"Daily cap of this access token exceeded: it has used all {limits.TokenDaily} calls it may make per day. It resets at {day.ResetText}; your other tokens are not affected.", "token_daily_quota_exceeded"),
        QuotaVerdict.OrganizationLimitReached => ($"Daily quota of your organisation exceeded: its members have used all {limits.Organization.Daily} units it may spend per day. It resets at {day.ResetText}.", "organization_daily_quota_exceeded"),
        QuotaVerdict.MemberLimitReached => ($"Your daily cap inside your organisation exceeded: you have used all {limits.Member.Daily} units allowed per day. It resets at {day.ResetText}.", "member_daily_quota_exceeded"),
        QuotaVerdict.RequestRateReached => ($"Rate limit reached for requests per minute ({PoolName(admission.Pool, modelId)}): limit {limits[admission.Pool].Rpm}. Try again in {SecondsToMinuteEnd(admission.Minute.Minute, now)} s.", "rate_limit_exceeded"),
        QuotaVerdict.TokenRateReached => ($"Rate limit reached for tokens per minute ({PoolName(admission.Pool, modelId)}): limit {limits[admission.Pool].Tpm}. Try again in {SecondsToMinuteEnd(admission.Minute.Minute, now)} s.", "tokens_rate_limit_exceeded"),
        _ => ($"Daily API-Inference quota exceeded: you have used all {limits.Daily} calls allowed per day. It resets at {day.ResetText}.", "daily_quota_exceeded"),
    };

    private static string PoolName(QuotaPool pool, string modelId) => pool switch
    {
        QuotaPool.User => "your account",
        QuotaPool.UserModel => $"your calls of {modelId}",
        QuotaPool.Token => "this access token",
        QuotaPool.Organization => "your organisation",
        QuotaPool.Member => "you inside your organisation",
        _ => $"model {modelId}, every caller together",
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
