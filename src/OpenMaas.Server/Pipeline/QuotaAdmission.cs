using OpenMaas.Core.Accounts;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Storage;
using OpenMaas.Core.Usage;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// The pipeline's admission step: admits a prepared call against every daily limit that applies, in one atomic step,
/// sets the ModelScope rate-limit headers, answers 429 over the limit, runs the call, then refunds it when it failed on
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
        var key = new QuotaKey(userId, call.Model.Id, day.Date, call.Caller.TokenId());
        var effective = await limits.ResolveAsync(userId, call.Model.Id, http.RequestAborted) with { TokenDaily = call.Caller.TokenScope().DailyCalls };
        var admission = await counter.TryAdmitAsync(key, effective, http.RequestAborted);
        QuotaResponses.SetHeaders(http.Response, effective, admission);
        if (!admission.Admitted)
        {
            PipelineLog.QuotaRejected(logger, userId, call.Model.Id, admission.Verdict);
            throw QuotaResponses.Rejected(admission.Verdict, effective, call.Model.Id, day, now);
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
            await SettleAsync(http, call, key, now, result, error);
        }
    }

    private async Task SettleAsync(HttpContext http, InferenceCall call, QuotaKey key, DateTimeOffset admittedAt, IResult? result, Exception? error)
    {
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
            await counter.RefundAsync(key);
        }

        var end = calendar.Clock.GetUtcNow();
        await usage.AppendAsync(new UsageRecord
        {
            At = admittedAt,
            Day = key.Day,
            UserId = key.UserId,
            TokenId = key.TokenId,
            ModelId = key.ModelId,
            Protocol = call.Endpoint.Protocol,
            Endpoint = call.Endpoint.Name,
            Status = status,
            LatencyMs = (end - call.StartedAt).TotalMilliseconds,
            TtftMs = call.FirstOutputAt is { } first ? (first - call.StartedAt).TotalMilliseconds : null,
            PromptTokens = call.PromptTokens,
            CompletionTokens = call.CompletionTokens,
            RequestId = http.Response.Headers["x-request-id"] is [{ Length: > 0 } id] ? id : http.TraceIdentifier,
            Counted = !refund,
        }, CancellationToken.None);
    }

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
