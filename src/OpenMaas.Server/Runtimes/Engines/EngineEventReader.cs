using System.Buffers;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// Splits an engine's SSE answer into events as its bytes arrive, without copying them: <see cref="TryTake"/> gives the
/// next complete event's data (the data lines joined; comments and other fields dropped) as a span into the read
/// buffer, valid until the next read. Used by the pass-through forwarder and by the typed path alike. Every event must
/// be <c>[DONE]</c> or one JSON object, no event (nor an unfinished line) may outgrow
/// <see cref="UpstreamResponse.MaxEventBytes"/>, and an event whose top level holds an <c>error</c> object (vLLM's
/// report of a failure mid-stream) is the engine failing: each throws <see cref="UpstreamException"/>
/// (<see cref="UpstreamFailure.Malformed"/>) and ejects the deployment, so the client gets an error in its surface's
/// shape instead of garbage or a hang.
/// </summary>
internal sealed class EngineEventReader(UpstreamResponse answer) : IDisposable
{
    private const int MinReadSpace = 4096;
    private byte[] _buffer = answer.Buffer;
    private byte[]? _rented;
    private ArrayBufferWriter<byte>? _joined;
    private int _start;
    private int _end = answer.FirstCount;

    /// <summary>The top-level shape of the event <see cref="TryTake"/> gave last, found by the same pass that checked it.</summary>
    public EventShape Shape { get; private set; } = EventShape.None;

    /// <summary>Reads more bytes; false when the engine closed the stream. Throws <see cref="UpstreamException"/>
    /// (gap timeout, broken connection) and <see cref="OperationCanceledException"/> (the client left).</summary>
    public async ValueTask<bool> ReadMoreAsync()
    {
        MakeRoom();
        var n = await answer.ReadAsync(_buffer.AsMemory(_end));
        _end += n;
        return n > 0;
    }

    /// <summary>Takes the next complete event (ended by a blank line, LF or CRLF); false when none is complete yet.
    /// A blank line with no data before it (a keep-alive) is skipped.</summary>
    public bool TryTake(out ReadOnlySpan<byte> payload)
    {
        payload = default;
        var span = _buffer.AsSpan(_start, _end - _start);
        var pos = 0;
        var dataStart = -1;
        var dataEnd = -1;
        var joined = false;
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
                if (dataStart < 0)
                {
                    _start += pos;
                    span = span[pos..];
                    pos = 0;
                    continue;
                }

                _start += pos;
                payload = joined ? _joined!.WrittenSpan : _buffer.AsSpan(dataStart, dataEnd - dataStart);
                if (EventShape.Scan(payload, out var shape) is { } why)
                {
                    throw answer.Fail(UpstreamFailure.Malformed, why);
                }

                Shape = shape;
                return true;
            }

            if (line.StartsWith("data:"u8))
            {
                var value = line[5..];
                var skip = value.Length > 0 && value[0] == ' ' ? 1 : 0;
                if (dataStart < 0)
                {
                    dataStart = _start + lineStart + 5 + skip;
                    dataEnd = dataStart + value.Length - skip;
                }
                else
                {
                    // Several data lines: the payload is their values joined by "\n" (rare; copied).
                    if (!joined)
                    {
                        joined = true;
                        _joined ??= new ArrayBufferWriter<byte>();
                        _joined.ResetWrittenCount();
                        _joined.Write(_buffer.AsSpan(dataStart, dataEnd - dataStart));
                    }

                    var all = _joined!;
                    all.Write("\n"u8);
                    all.Write(value[skip..]);
                }
            }
        }
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
        if (pending >= answer.MaxEventBytes)
        {
            throw answer.Fail(UpstreamFailure.Malformed, $"it sent an event larger than {answer.MaxEventBytes} bytes.");
        }

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

    /// <summary>Null for an event to pass on (empty, <c>[DONE]</c>, a JSON object); otherwise what is wrong with it.</summary>
    internal static string? Check(ReadOnlySpan<byte> payload) => EventShape.Scan(payload, out _);

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
