using System.Buffers;
using System.IO.Pipelines;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// Passes an engine's SSE stream through event by event: whatever one read from the engine brings is written and
/// flushed at once (no added delay, nothing held back but an incomplete event), each chunk's <c>model</c> being the
/// Model ID the client called. The usage chunk is read for the token counts and dropped when the client did not ask
/// for it. A failure after the first event ends the stream with an error event in the surface's shape.
/// </summary>
internal sealed class EngineStreamForwarder(
    HttpContext http, InferenceCall call, UpstreamResponse answer, bool clientWantsUsage, TimeProvider clock, ILogger logger)
{
    private readonly ModelField _model = new(call.Model.Id);
    private bool _done;

    public async Task RunAsync()
    {
        var ct = http.RequestAborted;
        using var sse = new SseWriter(http.Response);
        sse.Start();
        var pipe = http.Response.BodyWriter;
        using var events = new EngineEventReader(answer);
        try
        {
            while (true)
            {
                var (wrote, failure) = WriteCompleteEvents(events, pipe);
                if (wrote)
                {
                    // Events before a bad one are sent first: what is buffered must not precede an error status.
                    call.MarkFirstOutput(clock.GetUtcNow());
                    if (!await sse.FlushAsync(ct))
                    {
                        return;
                    }
                }

                if (failure is not null)
                {
                    throw failure;
                }

                if (_done)
                {
                    return;
                }

                if (!await events.ReadMoreAsync())
                {
                    // The engine closed the stream without [DONE]: a cut, not an end.
                    throw answer.Fail(UpstreamFailure.Malformed, "it ended the stream before [DONE].");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client left; disposing the answer aborts the engine's request. The call was used.
            UpstreamProxyLog.ClientLeft(logger, call.Model.Id);
        }
        catch (UpstreamException e)
        {
            UpstreamProxyLog.StreamFailed(logger, call.Model.Id, e.Message);
            var error = EngineErrors.ToCallException(e, call.Model.Id);
            if (!call.HasOutput)
            {
                throw error;
            }

            http.ErrorWriter().WriteStreamError(sse, error, http.TraceIdentifier);
            await sse.FlushAsync(CancellationToken.None);
        }
    }

    /// <summary>Writes every complete event read so far, up to a bad one; says whether something was written and the
    /// bad event's failure.</summary>
    private (bool Wrote, UpstreamException? Failure) WriteCompleteEvents(EngineEventReader events, PipeWriter pipe)
    {
        var wrote = false;
        while (!_done)
        {
            ReadOnlySpan<byte> payload;
            try
            {
                if (!events.TryTake(out payload))
                {
                    break;
                }
            }
            catch (UpstreamException e)
            {
                return (wrote, e);
            }

            if (payload.IsEmpty)
            {
                continue;
            }

            if (payload.SequenceEqual("[DONE]"u8))
            {
                _done = true;
            }
            else if (events.Shape.HasUsage)
            {
                var usage = UsageJson.Read(payload);
                if (usage.HasUsage)
                {
                    call.SetUsage(usage.PromptTokens, usage.CompletionTokens);
                }

                if (usage.UsageOnly && !clientWantsUsage)
                {
                    continue;
                }
            }

            pipe.Write("data: "u8);
            _model.Write(pipe, payload, events.Shape);
            pipe.Write("\n\n"u8);
            wrote = true;
        }

        return (wrote, null);
    }
}
