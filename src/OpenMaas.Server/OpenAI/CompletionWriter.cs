using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.TextGeneration;
using OpenMaas.Server.Upstream;

namespace OpenMaas.Server.OpenAI;

/// <summary>Runs an admitted text generation and writes it in an OpenAI shape (chat or text completion), as one JSON
/// answer or as an SSE stream that ends with <c>data: [DONE]</c>, or with an error event when it fails after its first
/// byte.</summary>
internal sealed class CompletionWriter(UpstreamProxy upstream, TimeProvider clock, ILogger<CompletionWriter> logger)
{
    public async Task<IResult> RespondAsync(HttpContext http, ICompletionFormat format, TextGenerationRequest request, AdmittedCall<PreparedGeneration> admitted)
    {
        var ct = http.RequestAborted;
        var call = admitted.Call;
        if (admitted.Prepared.Model is UpstreamTextModel && http.Features.Get<RawRequestBody>() is { } raw)
        {
            // An upstream engine speaks OpenAI too: the request and its answer pass through as bytes (the hot path).
            var path = call.Endpoint.Name == "chat.completions" ? "chat/completions" : call.Endpoint.Name;
            await upstream.RunAsync(http, call, new UpstreamCall(path, raw.Bytes, request.Stream, request.StreamUsage));
            return TypedResults.Empty;
        }

        var ids = new CompletionIds(format.IdPrefix + NewId(), clock.GetUtcNow().ToUnixTimeSeconds(), call.Model.Id);

        // The first chunk is pulled before a status is committed: busy (503) and engine failures (500) are still statuses.
        await using var chunks = await GenerationStream.StartAsync(admitted, ct);
        return request.Stream
            ? await StreamAsync(http, call, format, ids, chunks, request.StreamUsage)
            : await CollectAsync(call, format, ids, chunks);
    }

    private async Task<IResult> CollectAsync(InferenceCall call, ICompletionFormat format, CompletionIds ids, GenerationStream chunks)
    {
        var text = new StringBuilder();
        GenerationChunk last = default;
        var has = chunks.HasFirst;
        while (has)
        {
            last = chunks.Current;
            text.Append(last.Text);
            has = await NextBeforeOutputAsync(chunks);
        }

        var usage = new Usage(last.PromptTokens, last.CompletionTokens);
        call.SetUsage(usage.PromptTokens, usage.CompletionTokens);
        call.MarkFirstOutput(clock.GetUtcNow());
        return format.ToResult(ids, text.ToString(), last.Finish ?? FinishReason.Stop, usage);
    }

    /// <summary>Nothing was sent yet: an engine failure is still a 500 status.</summary>
    private static async ValueTask<bool> NextBeforeOutputAsync(GenerationStream chunks)
    {
        try
        {
            return await chunks.MoveNextAsync();
        }
        catch (InferenceException)
        {
            throw new CallException(StatusCodes.Status500InternalServerError, CallErrorKind.Server, "The model failed while generating.", code: "inference_failed");
        }
    }

    private async Task<IResult> StreamAsync(
        HttpContext http, InferenceCall call, ICompletionFormat format, CompletionIds ids, GenerationStream chunks, bool includeUsage)
    {
        var ct = http.RequestAborted;
        using var sse = new SseWriter(http.Response);
        sse.StartStream();
        var first = true;
        var has = chunks.HasFirst;
        GenerationChunk last = default;
        try
        {
            var unflushed = false;
            while (has)
            {
                last = chunks.Current;
                if (first)
                {
                    await sse.WriteEventAsync(WriteContent, (format, ids, last.Text, First: true), ct);
                    call.MarkFirstOutput(clock.GetUtcNow());
                    first = false;
                }
                else if (last.Text.Length > 0)
                {
                    sse.WriteEvent(WriteContent, (format, ids, last.Text, First: false));
                    unflushed = true;
                }

                // Flush only when the next chunk is not already waiting: a client that keeps up gets every token at
                // once, and when the decode loop runs ahead (many streams, busy cores) one send carries several events.
                var next = chunks.MoveNextAsync();
                if (unflushed && !next.IsCompleted)
                {
                    unflushed = false;
                    await FlushWhileWaitingAsync(sse, next, ct);
                }

                has = await next;
            }

            call.SetUsage(last.PromptTokens, last.CompletionTokens);
            await sse.WriteEventAsync((w, f) => format.WriteChunk(w, ids, null, false, f), last.Finish ?? FinishReason.Stop, ct);
            if (includeUsage)
            {
                await sse.WriteEventAsync((w, u) => ChunkJson.WriteUsageChunk(w, ids, format.ChunkObjectName, u), new Usage(last.PromptTokens, last.CompletionTokens), ct);
            }

            await sse.WriteDoneAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client left: its sequence is cancelled by the runtime; the call was used.
            call.SetUsage(last.PromptTokens, last.CompletionTokens);
            PipelineLog.ClientLeft(logger, ids.Id);
        }
        catch (Exception e) when (e is InferenceException or InvalidOperationException)
        {
            // After the first byte a status code is no longer possible: end with an error event, not a silent cut.
            PipelineLog.StreamFailed(logger, ids.Id, e);
            var error = OpenAIErrorWriter.Envelope(
                new CallException(StatusCodes.Status500InternalServerError, CallErrorKind.Server, "The model failed while generating.", code: "inference_failed"),
                http.TraceIdentifier);
            await sse.WriteEventAsync((w, err) => JsonSerializer.Serialize(w, err, OpenAIJson.Default.OpenAIErrorResponse), error, CancellationToken.None);
        }

        return TypedResults.Empty;
    }

    private static void WriteContent(Utf8JsonWriter w, (ICompletionFormat Format, CompletionIds Ids, string Text, bool First) s) =>
        s.Format.WriteChunk(w, s.Ids, s.Text, s.First, null);

    // The flush and the wait for the next chunk overlap; the chunk is awaited by the caller (even when the flush
    // throws, so the enumerator is never disposed while a MoveNextAsync is in flight).
    private static async Task FlushWhileWaitingAsync(SseWriter sse, ValueTask<bool> next, CancellationToken ct)
    {
        try
        {
            await sse.FlushAsync(ct);
        }
        catch
        {
            try
            {
                await next;
            }
            catch (Exception e) when (e is OperationCanceledException or InferenceException)
            {
                // The flush failure is the one that matters.
            }

            throw;
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
