using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Metering;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Generation;

/// <summary>Runs one completion against a loaded model and writes it as JSON or as an SSE stream.</summary>
internal sealed class CompletionRunner(IModelResolver resolver, TimeProvider clock, ILogger<CompletionRunner> logger)
{
    public async Task<IResult> RunAsync(
        HttpContext http, ICompletionFormat format, SamplingRequest request, PromptInput prompt, int? maxTokens)
    {
        var call = http.Features.Get<InferenceCall>() ?? throw new InvalidOperationException("No InferenceCall: ModelResolutionFilter must run first.");
        var ct = http.RequestAborted;
        var model = await resolver.LoadAsync(call.Model, ct);
        var prepared = model.Prepare(prompt);
        if (prepared.TokenCount + 1 > model.ContextLength)
        {
            throw PromptTooLong(prepared.TokenCount, model.ContextLength, format.PromptParam);
        }

        var options = request.ToSamplingOptions(maxTokens, model.ContextLength, prepared.TokenCount);
        var ids = new CompletionIds(format.IdPrefix + NewId(), clock.GetUtcNow().ToUnixTimeSeconds(), call.Model.Id);
        await using var chunks = StartGeneration(model, prepared, options, format.PromptParam, ct);

        // Pull the first piece before committing a status: admission errors (busy, too long) still get a proper 4xx/5xx.
        var hasFirst = await MoveNextAsync(chunks, format.PromptParam);
        return request.Stream == true
            ? await StreamAsync(http, call, format, ids, chunks, hasFirst, request.StreamOptions?.IncludeUsage == true)
            : await CollectAsync(call, format, ids, chunks, hasFirst);
    }

    private static IAsyncEnumerator<GenerationChunk> StartGeneration(
        ITextGenerationModel model, PreparedPrompt prompt, SamplingOptions options, string promptParam, CancellationToken ct)
    {
        try
        {
            return model.Generate(prompt, options, ct).GetAsyncEnumerator(ct);
        }
        catch (Exception e) when (e is SchedulerFullException or PromptTooLongException)
        {
            throw Translate(e, promptParam);
        }
    }

    private static async ValueTask<bool> MoveNextAsync(IAsyncEnumerator<GenerationChunk> chunks, string promptParam)
    {
        try
        {
            return await chunks.MoveNextAsync();
        }
        catch (Exception e) when (e is SchedulerFullException or PromptTooLongException or InferenceException)
        {
            throw Translate(e, promptParam);
        }
    }

    private async Task<IResult> CollectAsync(
        InferenceCall call, ICompletionFormat format, CompletionIds ids, IAsyncEnumerator<GenerationChunk> chunks, bool has)
    {
        var text = new StringBuilder();
        GenerationChunk last = default;
        while (has)
        {
            last = chunks.Current;
            text.Append(last.Text);
            has = await MoveNextAsync(chunks, format.PromptParam);
        }

        var usage = new Usage(last.PromptTokens, last.CompletionTokens);
        call.SetUsage(usage.PromptTokens, usage.CompletionTokens);
        call.MarkFirstOutput(clock.GetUtcNow());
        return format.ToResult(ids, text.ToString(), last.Finish ?? FinishReason.Stop, usage);
    }

    private async Task<IResult> StreamAsync(HttpContext http, InferenceCall call, ICompletionFormat format, CompletionIds ids,
        IAsyncEnumerator<GenerationChunk> chunks, bool has, bool includeUsage)
    {
        var ct = http.RequestAborted;
        using var sse = new SseWriter(http.Response);
        sse.StartStream();
        var first = true;
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
            GenerationLog.ClientLeft(logger, ids.Id);
        }
        catch (Exception e) when (e is InferenceException or InvalidOperationException)
        {
            // After the first byte a status code is no longer possible: end with an error event, not a silent cut.
            GenerationLog.StreamFailed(logger, ids.Id, e);
            var error = new OpenAIErrorResponse(new OpenAIError("The model failed while generating.", OpenAIErrorTypes.Server, null, "inference_failed"), http.TraceIdentifier);
            await sse.WriteEventAsync((w, err) => System.Text.Json.JsonSerializer.Serialize(w, err, OpenAIJson.Default.OpenAIErrorResponse), error, CancellationToken.None);
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

    private static OpenAIException Translate(Exception e, string promptParam) => e switch
    {
        SchedulerFullException busy => new OpenAIException(StatusCodes.Status503ServiceUnavailable, busy.Message, OpenAIErrorTypes.Overloaded, code: "model_busy")
        {
            RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(busy.RetryAfter.TotalSeconds)),
        },
        PromptTooLongException tooLong => PromptTooLong(tooLong.PromptTokens, tooLong.ContextLength, promptParam),
        _ => new OpenAIException(StatusCodes.Status500InternalServerError, "The model failed while generating.", OpenAIErrorTypes.Server, code: "inference_failed"),
    };

    private static OpenAIException PromptTooLong(int promptTokens, int contextLength, string param) => OpenAIException.BadRequest(
        $"This model's maximum context length is {contextLength} tokens, but the prompt has {promptTokens} tokens (at least one more is needed to generate).",
        param, "context_length_exceeded");

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
