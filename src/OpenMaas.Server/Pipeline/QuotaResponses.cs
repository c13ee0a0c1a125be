using System.Globalization;
using OpenMaas.Core.Quota;

namespace OpenMaas.Server.Pipeline;

/// <summary>The quota's wire format, the same on every surface: ModelScope's rate-limit headers, and the 429.</summary>
internal static class QuotaResponses
{
    public const string LimitHeader = "modelscope-ratelimit-requests-limit";
    public const string RemainingHeader = "modelscope-ratelimit-requests-remaining";
    public const string ModelLimitHeader = "modelscope-ratelimit-model-requests-limit";
    public const string ModelRemainingHeader = "modelscope-ratelimit-model-requests-remaining";
    public const string TokenLimitHeader = "x-openmaas-token-requests-limit";
    public const string TokenRemainingHeader = "x-openmaas-token-requests-remaining";

    public static void SetHeaders(HttpResponse response, EffectiveLimits limits, Admission admission)
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
    }

    /// <summary>The 429 (with <c>Retry-After</c>: seconds to the reset) whose message names the limit and the reset time.</summary>
    public static CallException Rejected(QuotaVerdict verdict, EffectiveLimits limits, string modelId, QuotaDay day, DateTimeOffset now)
    {
        var (message, code) = Describe(verdict, limits, modelId, day);
        return new CallException(StatusCodes.Status429TooManyRequests, CallErrorKind.RateLimit, message, code: code)
        {
            RetryAfterSeconds = day.SecondsUntilReset(now),
        };
    }

    /// <summary>The 429's message (naming the limit that was hit and the reset time) and its code; the same on every surface.</summary>
    public static (string Message, string Code) Describe(QuotaVerdict verdict, EffectiveLimits limits, string modelId, QuotaDay day) => verdict switch
    {
        QuotaVerdict.ModelLimitReached => ($"Daily quota for model {modelId} exceeded: you have used all {limits.ModelDaily} calls allowed per day for this model. It resets at {day.ResetText}.", "model_daily_quota_exceeded"),
        QuotaVerdict.TokenLimitReached => ($"Daily cap of this access token exceeded: it has used all {limits.TokenDaily} calls it may make per day. It resets at {day.ResetText}; your other tokens are not affected.", "token_daily_quota_exceeded"),
        _ => ($"Daily API-Inference quota exceeded: you have used all {limits.Daily} calls allowed per day. It resets at {day.ResetText}.", "daily_quota_exceeded"),
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
