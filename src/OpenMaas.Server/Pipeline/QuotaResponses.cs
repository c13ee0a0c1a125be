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
    }

    /// <summary>The 429 (with <c>Retry-After</c>: seconds to the reset) whose message names the limit and the reset time.</summary>
    public static CallException Rejected(QuotaVerdict verdict, EffectiveLimits limits, string modelId, QuotaDay day, DateTimeOffset now)
    {
        var (message, code) = verdict == QuotaVerdict.ModelLimitReached
            ? ($"Daily quota for model {modelId} exceeded: you have used all {limits.ModelDaily} calls allowed per day for this model. It resets at {day.ResetText}.", "model_daily_quota_exceeded")
            : ($"Daily API-Inference quota exceeded: you have used all {limits.Daily} calls allowed per day. It resets at {day.ResetText}.", "daily_quota_exceeded");
        return new CallException(StatusCodes.Status429TooManyRequests, CallErrorKind.RateLimit, message, code: code)
        {
            RetryAfterSeconds = day.SecondsUntilReset(now),
        };
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
