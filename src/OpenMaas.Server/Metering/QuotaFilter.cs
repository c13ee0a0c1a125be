using Microsoft.Extensions.Options;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Server.Auth;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Metering;

/// <summary>
/// Admits an inference call against every daily limit that applies, in one atomic step, after the model is
/// resolved (so 400/401/404 cost nothing) and before the handler runs. Sets the ModelScope rate-limit headers,
/// answers 429 over the limit, refunds calls that failed on the server before any output, and writes the usage
/// record, awaiting its group commit before the response can end.
/// </summary>
internal sealed partial class QuotaFilter(
    IQuotaLimits limits,
    IQuotaCounter counter,
    IUsageLog usage,
    QuotaCalendar calendar,
    IOptions<QuotaOptions> options,
    ILogger<QuotaFilter> logger) : IEndpointFilter
{
    /// <summary>Status recorded for a client that left before the response had a status.</summary>
    private const int ClientClosedRequest = 499;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!options.Value.Enabled || http.User.UserId() is not { } userId || http.Features.Get<InferenceCall>() is not { } call)
        {
            return await next(context);
        }

        var now = calendar.Clock.GetUtcNow();
        var day = calendar.DayOf(now);
        var key = new QuotaKey(userId, call.Model.Id, day.Date, http.User.TokenId());
        var effective = await limits.ResolveAsync(userId, call.Model.Id, http.RequestAborted) with { TokenDaily = http.TokenScope().DailyCalls };
        var admission = await counter.TryAdmitAsync(key, effective, http.RequestAborted);
        QuotaResponses.SetHeaders(http.Response, effective, admission);
        if (!admission.Admitted)
        {
            LogRejected(logger, userId, call.Model.Id, admission.Verdict);
            return QuotaResponses.Rejected(admission.Verdict, effective, call.Model.Id, day, now);
        }

        object? result = null;
        Exception? error = null;
        try
        {
            result = await next(context);
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

    private async Task SettleAsync(HttpContext http, InferenceCall call, QuotaKey key, DateTimeOffset admittedAt, object? result, Exception? error)
    {
        var aborted = http.RequestAborted.IsCancellationRequested;
        var status = error switch
        {
            null => StatusOf(result, http),
            OperationCanceledException when aborted => ClientClosedRequest,
            OpenAIException e => e.Status,
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
            Endpoint = call.Endpoint,
            Status = status,
            LatencyMs = (end - call.StartedAt).TotalMilliseconds,
            TtftMs = call.FirstOutputAt is { } first ? (first - call.StartedAt).TotalMilliseconds : null,
            PromptTokens = call.PromptTokens,
            CompletionTokens = call.CompletionTokens,
            RequestId = http.Response.Headers["x-request-id"] is [{ Length: > 0 } id] ? id : http.TraceIdentifier,
            Counted = !refund,
        }, CancellationToken.None);
    }

    private static int StatusOf(object? result, HttpContext http)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        return result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Quota: call of user {UserId} to {Model} refused: {Verdict}")]
    private static partial void LogRejected(ILogger logger, long userId, string model, QuotaVerdict verdict);
}
