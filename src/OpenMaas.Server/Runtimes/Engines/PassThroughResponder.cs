using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// The pass-through path: runs an OpenAI call on a model's upstream engines: sends the client's request (engine model name, usage asked
/// for), then passes the answer through — a JSON answer as received, a stream event by event as it arrives, with the
/// OpenMaaS Model ID as its <c>model</c> — and
/// records the engine's token counts on the call. Failures before anything reached the client are thrown as OpenAI
/// errors (so the call is refunded); a client that leaves aborts the engine's request.
/// </summary>
internal sealed class PassThroughResponder(UpstreamInvoker invoker, TimeProvider clock, ILogger<PassThroughResponder> logger) : IPassThroughResponder
{
    /// <param name="http">The client's exchange.</param>
    /// <param name="call">The admitted call (usage and first output are recorded on it).</param>
    /// <param name="request">The client's request, as sent.</param>
    public async Task RespondAsync(HttpContext http, InferenceCall call, PassThroughRequest request)
    {
        var ct = http.RequestAborted;
        var body = request.Body;
        var forceUsage = request.Stream;
        UpstreamResponse answer;
        try
        {
            answer = await invoker.SendAsync(
                new UpstreamRequest(call.Model.Id, request.Path, model => EngineRequestBody.Create(body, model, forceUsage), request.Stream, http.TraceIdentifier), ct);
        }
        catch (UpstreamException e)
        {
            throw EngineErrors.ToCallException(e, call.Model.Id);
        }

        await using (answer)
        {
            if (request.Stream && answer.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
            {
                await new EngineStreamForwarder(http, call, answer, request.ClientWantsUsage, clock, logger).RunAsync();
            }
            else
            {
                await CopyAsync(http, call, answer);
            }
        }
    }

    /// <summary>A whole (JSON) answer: read to its end, bounded, and checked to be one JSON object (a break, garbage or
    /// an oversized answer is still a clean 502), usage taken, the Model ID put in its <c>model</c>, sent in one flush.</summary>
    private async Task CopyAsync(HttpContext http, InferenceCall call, UpstreamResponse answer)
    {
        ReadOnlyMemory<byte> content;
        try
        {
            content = await EngineAnswer.ReadObjectAsync(answer);
        }
        catch (UpstreamException e)
        {
            throw EngineErrors.ToCallException(e, call.Model.Id);
        }

        var usage = UsageJson.Read(content.Span);
        if (usage.HasUsage)
        {
            call.SetUsage(usage.PromptTokens, usage.CompletionTokens);
        }

        call.MarkFirstOutput(clock.GetUtcNow());
        var response = http.Response;
        response.StatusCode = answer.StatusCode;
        response.ContentType = answer.ContentType ?? "application/json";
        var model = new ModelField(call.Model.Id);
        var shape = ModelField.Find(content.Span);
        response.ContentLength = model.LengthOf(content.Span, shape);
        model.Write(response.BodyWriter, content.Span, shape);
        await response.BodyWriter.FlushAsync(http.RequestAborted);
    }
}
