using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.Anthropic;

/// <summary>Runs an admitted generation and writes it as a Messages API answer, or as its event stream (ending with an
/// <c>error</c> event when it fails after the first byte).</summary>
internal sealed class MessagesWriter(TimeProvider clock, ILogger<MessagesWriter> logger)
{
    public async Task<IResult> RespondAsync(HttpContext http, TextGenerationRequest request, AdmittedCall<PreparedGeneration> admitted)
    {
        var id = MessagesMapping.NewMessageId();
        http.Response.Headers["request-id"] = http.TraceIdentifier;
        // The first chunk is pulled before a status is committed: busy (529) and engine failures (500) are still statuses.
        await using var chunks = await GenerationStream.StartAsync(admitted, http.RequestAborted);
        return request.Stream
            ? await StreamAsync(http, admitted.Call, id, chunks)
            : await CollectAsync(admitted.Call, id, chunks);
    }

    private async Task<IResult> CollectAsync(InferenceCall call, string id, GenerationStream chunks)
    {
        var text = new StringBuilder();
        GenerationChunk last = default;
        var has = chunks.HasFirst;
        while (has)
        {
            last = chunks.Current;
            text.Append(last.Text);
            try
            {
                has = await chunks.MoveNextAsync();
            }
            catch (InferenceException)
            {
                throw new CallException(StatusCodes.Status500InternalServerError, CallErrorKind.Server, "The model failed while generating.", code: "inference_failed");
            }
        }

        call.SetUsage(last.PromptTokens, last.CompletionTokens);
        call.MarkFirstOutput(clock.GetUtcNow());
        return TypedResults.Json(MessagesMapping.ToResponse(id, call.Model.Id, text.ToString(), last), AnthropicJson.Default.MessagesResponse);
    }

    private async Task<IResult> StreamAsync(HttpContext http, InferenceCall call, string id, GenerationStream chunks)
    {
        var ct = http.RequestAborted;
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        using var events = new MessagesEvents(response.BodyWriter);
        var has = chunks.HasFirst;
        GenerationChunk last = has ? chunks.Current : default;
        try
        {
            events.MessageStart(id, call.Model.Id, last.PromptTokens);
            events.ContentBlockStart();
            events.Ping();
            await response.BodyWriter.FlushAsync(ct);
            call.MarkFirstOutput(clock.GetUtcNow());
            while (has)
            {
                last = chunks.Current;
                if (last.Text.Length > 0)
                {
                    events.TextDelta(last.Text);
                }

                var next = chunks.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    await response.BodyWriter.FlushAsync(ct);
                }

                has = await next;
            }

            call.SetUsage(last.PromptTokens, last.CompletionTokens);
            events.ContentBlockStop();
            events.MessageDelta(StopReasons.From(last.Finish, last.StopSequence), last.Finish == FinishReason.Length ? null : last.StopSequence, last.CompletionTokens);
            events.MessageStop();
            await response.BodyWriter.FlushAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client left: its sequence is cancelled by the runtime; the call was used.
            call.SetUsage(last.PromptTokens, last.CompletionTokens);
            PipelineLog.ClientLeft(logger, id);
        }
        catch (Exception e) when (e is InferenceException or InvalidOperationException)
        {
            // After the first byte a status is no longer possible: end with Anthropic's error event, not a silent cut.
            PipelineLog.StreamFailed(logger, id, e);
            var body = AnthropicErrorWriter.Body(new CallException(StatusCodes.Status500InternalServerError, CallErrorKind.Server, "The model failed while generating."));
            events.Error(body.Error.Type, body.Error.Message);
            await response.BodyWriter.FlushAsync(CancellationToken.None);
        }

        return TypedResults.Empty;
    }
}
