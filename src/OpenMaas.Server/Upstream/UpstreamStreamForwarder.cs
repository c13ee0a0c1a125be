using System.Buffers;
using System.Text.Json;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Upstream;

/// <summary>
/// Passes an engine's SSE stream through event by event: whatever one read from the engine brings is written and
/// flushed at once (no added delay, nothing held back but an incomplete event), each chunk's <c>model</c> being the
/// Model ID the client called. The usage chunk is read for the
/// token counts and dropped when the client did not ask for it. A failure after the first event ends the stream
/// with an error event.
/// </summary>
internal sealed class UpstreamStreamForwarder(
    HttpContext http, InferenceCall call, UpstreamResponse answer, bool clientWantsUsage, TimeProvider clock, ILogger logger)
{
    private const int MinReadSpace = 4096;
    private static readonly byte[] UsageName = "\"usage\""u8.ToArray();
    private readonly ModelField _model = new(call.Model.Id);
    private byte[] _buffer = answer.Buffer;
    private byte[]? _rented;
    private int _start;
    private int _end = answer.FirstCount;
    private bool _done;

    public async Task RunAsync()
    {
        var ct = http.RequestAborted;
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var pipe = response.BodyWriter;
        try
        {
            while (true)
            {
                var wrote = WriteCompleteEvents(pipe);
                if (wrote)
                {
                    call.MarkFirstOutput(clock.GetUtcNow());
                    var flushed = await pipe.FlushAsync(ct);
                    if (flushed.IsCompleted || flushed.IsCanceled)
                    {
                        return;
                    }
                }

                if (_done)
                {
                    return;
                }

                MakeRoom();
                var n = await answer.ReadAsync(_buffer.AsMemory(_end));
                if (n == 0)
                {
                    // The engine closed the stream without [DONE]: a cut, not an end.
                    throw new UpstreamException(UpstreamFailure.Unavailable, "The upstream engine ended the stream early.");
                }

                _end += n;
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
            if (!call.HasOutput)
            {
                throw UpstreamErrors.ToCallException(e, call.Model.Id);
            }

            WriteError(pipe, UpstreamErrors.ToCallException(e, call.Model.Id));
            await pipe.FlushAsync(CancellationToken.None);
        }
        finally
        {
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
            }
        }
    }

    /// <summary>Writes every complete event in the buffer; true when something was written.</summary>
    private bool WriteCompleteEvents(System.IO.Pipelines.PipeWriter pipe)
    {
        var wrote = false;
        while (!_done && TryTakeEvent(out var payload))
        {
            if (payload.IsEmpty)
            {
                continue;
            }

            if (payload.SequenceEqual("[DONE]"u8))
            {
                _done = true;
            }
            else if (payload.IndexOf(UsageName) >= 0)
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
            _model.Write(pipe, payload);
            pipe.Write("\n\n"u8);
            wrote = true;
        }

        return wrote;
    }

    /// <summary>Takes the next complete event (ended by a blank line, LF or CRLF) and returns its data (the data
    /// lines joined; comments and other fields dropped).</summary>
    private bool TryTakeEvent(out ReadOnlySpan<byte> payload)
    {
        payload = default;
        var span = _buffer.AsSpan(_start, _end - _start);
        var pos = 0;
        var dataStart = -1;
        var dataEnd = -1;
        var joined = (ArrayBufferWriter<byte>?)null;
        while (true)
        {
            var nl = span[pos..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                return false;
            }

            var line = span.Slice(pos, nl);
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            var lineStart = pos;
            pos += nl + 1;
            if (line.IsEmpty)
            {
                if (dataStart < 0 && joined is null)
                {
                    // A blank line with no data (keep-alive): skip it.
                    _start += pos;
                    span = span[pos..];
                    pos = 0;
                    continue;
                }

                _start += pos;
                payload = joined is not null ? joined.WrittenSpan : _buffer.AsSpan(dataStart, dataEnd - dataStart);
                return true;
            }

            if (line.StartsWith("data:"u8))
            {
                var value = line[5..];
                var skip = value.Length > 0 && value[0] == ' ' ? 1 : 0;
                if (dataStart < 0 && joined is null)
                {
                    dataStart = _start + lineStart + 5 + skip;
                    dataEnd = dataStart + value.Length - skip;
                }
                else
                {
                    // Several data lines: the payload is their values joined by "\n" (rare; copied).
                    joined ??= Start(dataStart, dataEnd);
                    joined.Write("\n"u8);
                    joined.Write(value[skip..]);
                }
            }
        }
    }

    private ArrayBufferWriter<byte> Start(int dataStart, int dataEnd)
    {
        var writer = new ArrayBufferWriter<byte>();
        writer.Write(_buffer.AsSpan(dataStart, dataEnd - dataStart));
        return writer;
    }

    /// <summary>Moves an incomplete event to the front of the buffer, growing it when the event fills it.</summary>
    private void MakeRoom()
    {
        if (_start == _end)
        {
            _start = _end = 0;
            return;
        }

        if (_buffer.Length - _end >= MinReadSpace)
        {
            return;
        }

        var pending = _end - _start;
        var target = _buffer;
        if (pending > _buffer.Length - MinReadSpace)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
            }

            _rented = bigger;
            target = bigger;
        }

        Buffer.BlockCopy(_buffer, _start, target, 0, pending);
        _buffer = target;
        _start = 0;
        _end = pending;
    }

    private void WriteError(System.IO.Pipelines.PipeWriter pipe, CallException e)
    {
        pipe.Write("data: "u8);
        using (var json = new Utf8JsonWriter(pipe))
        {
            JsonSerializer.Serialize(json, OpenAIErrorWriter.Envelope(e, http.TraceIdentifier), OpenAIJson.Default.OpenAIErrorResponse);
        }

        pipe.Write("\n\n"u8);
    }
}
