namespace OpenMaas.Core.Quota;

/// <summary>Names of verdicts shared by the counters (metrics) and the wire (error codes).</summary>
public static class QuotaVerdicts
{
    /// <summary>The <c>openmaas.admissions</c> metric's outcome tag.</summary>
    public static string MetricName(QuotaVerdict verdict) => verdict switch
    {
        QuotaVerdict.Admitted => "admitted",
        QuotaVerdict.DailyLimitReached => "daily_limit",
        QuotaVerdict.ModelLimitReached => "model_limit",
        QuotaVerdict.TokenLimitReached => "token_limit",
        QuotaVerdict.OrganizationLimitReached => "organization_limit",
        QuotaVerdict.MemberLimitReached => "member_limit",
        QuotaVerdict.RequestRateReached => "request_rate",
        _ => "token_rate",
    };
}
