using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Pipeline.Generation;

/// <summary>
/// Streams a generation through a surface's encoder with the one flush policy of every surface: the first chunk is
/// sent at once (the call's time to first output is taken when that flush completes); later chunks are sent whenever
/// the next one is not already waiting, so a client that keeps up gets every token at once and, when the decode loop
/// runs ahead (many streams, busy cores), one send carries several events.
/// </summary>
internal sealed class StreamedOutput(HttpContext http, IGenerationEncoder encoder, InferenceCall call, TimeProvider clock) : GenerationOutput, IDisposable
{
    private readonly SseWriter _sse = new(http.Response);
    private bool _unflushed;

    public override void Add(in GenerationChunk chunk, bool first)
    {
        if (first)
        {
            _sse.Start();
            Started = true;
            encoder.WriteStart(_sse, in chunk);
        }

        if (chunk.Reasoning is { Length: > 0 } reasoning)
        {
            encoder.WriteReasoning(_sse, reasoning);
        }

        // The first chunk always writes its text, even empty, so the stream opens with an event of the answer.
        if (chunk.Text.Length > 0 || (first && chunk.Reasoning is null && chunk.ToolCall is null))
        {
            encoder.WriteText(_sse, chunk.Text);
        }

        if (chunk.ToolCall is { } toolCall)
        {
            encoder.WriteToolCall(_sse, toolCall);
        }

        _unflushed = true;
    }

    public override async ValueTask FirstAsync(CancellationToken ct)
    {
        _unflushed = false;
        await _sse.FlushAsync(ct);
        call.MarkFirstOutput(clock.GetUtcNow());
    }

    public override async ValueTask FlushWhileWaitingAsync(ValueTask<bool> next, CancellationToken ct)
    {
        if (!_unflushed)
        {
            return;
        }

        _unflushed = false;
        try
        {
            await _sse.FlushAsync(ct);
        }
        catch
        {
            // The chunk in flight is awaited before the failure goes on, so the enumerator is never disposed while a
            // MoveNextAsync runs; the flush's failure is the one that matters.
            try
            {
                await next;
            }
            catch (Exception e) when (e is OperationCanceledException || RuntimeFailures.IsRuntimeFailure(e))
            {
            }

            throw;
        }
    }

    public override async ValueTask EndAsync(GenerationEnd end, CancellationToken ct)
    {
        if (encoder is IStreamLifecycle lifecycle)
        {
            await lifecycle.BeforeEndAsync(end, ct);
        }

        encoder.WriteEnd(_sse, end);
        await _sse.FlushAsync(ct);
    }

    public override async ValueTask FailAsync(CallException error)
    {
        if (encoder is IStreamLifecycle lifecycle)
        {
            lifecycle.WriteFailure(_sse, error, http.TraceIdentifier);
        }
        else
        {
            http.ErrorWriter().WriteStreamError(_sse, error, http.TraceIdentifier);
        }

        await _sse.FlushAsync(CancellationToken.None);
    }

    public void Dispose() => _sse.Dispose();
}
