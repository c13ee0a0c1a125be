using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Pipeline.Generation;

/// <summary>
/// The one loop over a generation's chunks, for every surface and for the task API and <c>openmaas run</c>: it pulls
/// the first chunk before anything is committed (so busy is still a 503 and a failed start a 500), hands every chunk to
/// an output (streamed through a surface's encoder, or collected), flushes whenever the next chunk is not already
/// waiting, records the token counts however the call ends, and turns a failure into a status before the first byte
/// or into the surface's error event after it.
/// </summary>
internal static class GenerationLoop
{
    /// <summary>Runs <paramref name="source"/> into <paramref name="output"/>. Throws <see cref="CallException"/> when
    /// the generation fails before <paramref name="output"/> started, and <see cref="OperationCanceledException"/> when
    /// the client left before that.</summary>
    public static async Task RunAsync(
        PreparedGeneration.Driven source, GenerationOutput output, InferenceCall? call, string modelId, ILogger logger, CancellationToken ct)
    {
        IAsyncEnumerator<GenerationChunk>? chunks = null;
        GenerationChunk last = default;
        try
        {
            chunks = source.Run(ct).GetAsyncEnumerator(ct);
            var has = await chunks.MoveNextAsync();
            var first = true;
            while (has)
            {
                last = chunks.Current;
                output.Add(in last, first);
                if (first)
                {
                    first = false;
                    await output.FirstAsync(ct);
                }

                var next = chunks.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    await output.FlushWhileWaitingAsync(next, ct);
                }

                has = await next;
            }

            await output.EndAsync(GenerationEnd.From(in last), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && output.Started)
        {
            // The client left mid-stream: the runtime stopped its sequence when the token was cancelled; the call was used.
            PipelineLog.ClientLeft(logger, modelId);
        }
        catch (Exception e) when (e is not OperationCanceledException && output.Started)
        {
            // After the first byte a status can no longer be sent: the stream ends with the surface's error event.
            PipelineLog.StreamFailed(logger, modelId, e);
            await output.FailAsync(RuntimeFailures.IsRuntimeFailure(e) ? RuntimeFailures.Translate(e, modelId) : CallException.InferenceFailed());
        }
        catch (Exception e) when (RuntimeFailures.IsRuntimeFailure(e))
        {
            throw RuntimeFailures.Translate(e, modelId);
        }
        finally
        {
            call?.SetUsage(last.PromptTokens, last.CompletionTokens);
            if (chunks is not null)
            {
                await chunks.DisposeAsync();
            }
        }
    }

    /// <summary>Runs a generation to its end and returns it whole (the task API, <c>openmaas run</c>, non-streamed calls).</summary>
    public static async Task<GenerationResult> CollectAsync(PreparedGeneration.Driven source, InferenceCall? call, string modelId, ILogger logger, CancellationToken ct)
    {
        var collected = new CollectedOutput();
        await RunAsync(source, collected, call, modelId, logger, ct);
        return collected.Result;
    }
}
