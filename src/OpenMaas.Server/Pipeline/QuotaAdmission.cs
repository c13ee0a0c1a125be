using OpenMaas.Core.Accounts;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Storage;
using OpenMaas.Core.Usage;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// The pipeline's admission step: admits a prepared call against every limit that applies (daily units, requests and
/// tokens per minute, in every pool: user, model, token, organisation, member), in one atomic step, sets the ModelScope
/// and OpenAI rate-limit headers, answers 429 over the limit, runs the call, then refunds it when it failed on
/// the server before any output and writes the usage record, awaiting its group commit before the response can end.
/// Fail closed: the only way to an <see cref="AdmittedCall{TPrepared}"/> is through here, and a metered setup whose
/// call has no user is refused, never let through uncounted.
/// </summary>
internal sealed class QuotaAdmission(
    IQuotaLimits limits,
    IQuotaCounter counter,
    IUsageLog usage,
    QuotaCalendar calendar,
    IOptions<QuotaOptions> quota,
    IOptions<AuthOptions> auth,
    ILogger<QuotaAdmission> logger)
{
    /// <summary>Status recorded for a client that left before the response had a status.</summary>
    private const int ClientClosedRequest = 499;

    /// <summary>Admits the call, runs <paramref name="respond"/> with the admission in hand, and settles the call.</summary>
    public async Task<IResult> RunAsync<TPrepared>(
        HttpContext http, InferenceCall call, TPrepared prepared, Func<AdmittedCall<TPrepared>, Task<IResult>> respond)
    {
        if (!quota.Value.Enabled || !auth.Value.Enabled)
        {
            return await respond(new AdmittedCall<TPrepared>(call, prepared, metered: false));
        }

        var userId = call.Caller.UserId() ?? throw new InvalidOperationException(
            "An inference call reached admission without a user while the quota is on: refusing it rather than letting it through uncounted.");
        var now = calendar.Clock.GetUtcNow();
        var day = calendar.DayOf(now);
        var (tokenId, organizationId) = (call.Caller.TokenId(), call.Caller.OrganizationId());
        var key = new QuotaKey(userId, call.Model.Id, day.Date, tokenId, organizationId);
        var effective = WithTokenScope(await limits.ResolveAsync(userId, call.Model.Id, tokenId, organizationId, http.RequestAborted), call.Caller.TokenScope().DailyCalls);
        var cost = new CallCost(Math.Max(1, call.Model.Weight), EstimateTokens(http, prepared), CallCost.MinuteOf(now)) { CallId = RequestId(http) };
        var admission = await counter.TryAdmitAsync(key, effective, cost, http.RequestAborted);
        QuotaResponses.SetHeaders(http.Response, effective, admission, now);
        if (!admission.Admitted)
        {
            PipelineLog.QuotaRejected(logger, userId, call.Model.Id, admission.Verdict);
            throw QuotaResponses.Rejected(admission, effective, call.Model.Id, day, now);
        }

        IResult? result = null;
        Exception? error = null;
        try
        {
            result = await respond(new AdmittedCall<TPrepared>(call, prepared, metered: true) { QuotaDay = key.Day });
            return result;
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            await SettleAsync(http, call, new Admitted(key, cost, effective), now, result, error);
        }
    }

    private async Task SettleAsync(HttpContext http, InferenceCall call, Admitted admitted, DateTimeOffset admittedAt, IResult? result, Exception? error)
    {
        var key = admitted.Key;
        var aborted = http.RequestAborted.IsCancellationRequested;
        var status = error switch
        {
            null => StatusOf(result, http),
            OperationCanceledException when aborted => ClientClosedRequest,
            CallException e => e.Status,
            QuotaUnavailableException when !http.Response.HasStarted => StatusCodes.Status503ServiceUnavailable,
            _ when !http.Response.HasStarted && DatabaseFailure.IsUnavailable(error) => StatusCodes.Status503ServiceUnavailable, // as CallErrorMiddleware answers
            _ => http.Response.HasStarted ? http.Response.StatusCode : StatusCodes.Status500InternalServerError,
        };

        // Only a server-side failure before any output is given back; a client that left has used its call.
        var refund = !call.HasOutput && status >= 400 && status != ClientClosedRequest;

        if (refund)
        {
            // Before the record: a counter rebuilt in between still holds the call as open (stricter, never looser).
            await counter.RefundAsync(key, admitted.Cost, admitted.Limits);
        }

        // Per-minute tokens were admitted on the input estimate: settle them with what the call really used (a Redis round
        // trip across nodes) while the usage record is written, so the end of the call waits for the slower of the two,
        // not for both one after the other.
        var counters = !refund && admitted.Limits.PerMinute
            ? counter.SettleTokensAsync(key, admitted.Cost, admitted.Limits, call.PromptTokens + call.CompletionTokens)
            : ValueTask.CompletedTask;
        try
        {
            await AppendRecordAsync(http, call, admitted, admittedAt, status, refund);
        }
        finally
        {
            await counters;
        }
    }

    private async Task AppendRecordAsync(HttpContext http, InferenceCall call, Admitted admitted, DateTimeOffset admittedAt, int status, bool refund)
    {
        var key = admitted.Key;
        var end = calendar.Clock.GetUtcNow();
        var record = new UsageRecord
        {
            At = admittedAt,
            Day = key.Day,
            UserId = key.UserId,
            TokenId = key.TokenId,
            ModelId = key.ModelId,
            OrganizationId = key.OrganizationId,
            Units = admitted.Cost.Units,
            Protocol = call.Endpoint.Protocol,
            Endpoint = call.Endpoint.Name,
            Status = status,
            LatencyMs = (end - call.StartedAt).TotalMilliseconds,
            TtftMs = call.FirstOutputAt is { } first ? (first - call.StartedAt).TotalMilliseconds : null,
            PromptTokens = call.PromptTokens,
            CompletionTokens = call.CompletionTokens,
            RequestId = admitted.Cost.CallId ?? RequestId(http),
            Counted = !refund,
        };
        try
        {
            await usage.AppendAsync(record, CancellationToken.None);
        }
        catch (Exception e) when (!refund && DatabaseFailure.IsUnavailable(e))
        {
            // The record cannot be written (the database went away): the call is not counted either, so nothing stays
            // admitted without its record; the client gets 503 (an error event when the stream had begun).
            await counter.RefundAsync(key, admitted.Cost, admitted.Limits);
            throw;
        }
    }

    /// <summary>The id the usage record carries, known at admission: the shared counter tracks the open call by it.</summary>
    public static string RequestId(HttpContext http) => http.Response.Headers["x-request-id"] is [{ Length: > 0 } id] ? id : http.TraceIdentifier;

    /// <summary>The token's own scope cap (set with the token) joins a token limit set by an admin: the smaller holds.</summary>
    private static EffectiveLimits WithTokenScope(EffectiveLimits limits, int? scopeCap) => scopeCap is { } cap
        ? limits with { Token = limits.Token with { Daily = limits.Token.Daily is { } set ? Math.Min(set, cap) : cap } }
        : limits;

    /// <summary>The input tokens a call is admitted on against per-minute token limits: the tokenized prompt of a local
    /// model (exact), else the request body's bytes / 4. The call is settled with its real counts when it ends.</summary>
    private static int EstimateTokens<TPrepared>(HttpContext http, TPrepared prepared) => prepared is PreparedGeneration.Local local
        ? Math.Max(1, local.Prompt.TokenCount)
        : CallCost.EstimateTokens(http.Request.ContentLength ?? 0);

    private readonly record struct Admitted(QuotaKey Key, CallCost Cost, EffectiveLimits Limits);

    private static int StatusOf(IResult? result, HttpContext http)
    {
        object? r = result;
        while (r is INestedHttpResult nested)
        {
            r = nested.Result;
        }

        return r is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
    }
}
