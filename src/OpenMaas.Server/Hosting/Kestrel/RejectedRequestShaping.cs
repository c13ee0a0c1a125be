using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace OpenMaas.Server.Hosting.Kestrel;

/// <summary>
/// Requests Kestrel rejects before any application code runs — a target with <c>%00</c>, a malformed header, headers
/// too large or too slow, a body that trickles — get Kestrel's own bare answer (<c>HTTP/1.1 400 Bad Request</c>,
/// <c>Content-Length: 0</c>, <c>Connection: close</c>); no middleware can reach them. This connection middleware
/// watches the bytes Kestrel writes and replaces exactly such an answer with the same status and a JSON body in the
/// shape of the surface the request was for (the OpenAI envelope on <c>/v1</c>, Anthropic's on <c>/v1/messages</c>,
/// ModelScope's task envelope on <c>/api-inference</c>, ProblemDetails elsewhere), chosen from the request line it last saw on the connection. Everything else passes
/// through untouched: the check is a few byte comparisons at the start of each write.
/// </summary>
internal static class RejectedRequestShaping
{
    public static ConnectionDelegate Wrap(ConnectionDelegate next) => async context =>
    {
        var inner = context.Transport;
        var sniffer = new TargetSniffer(inner.Input);
        context.Transport = new Duplex(sniffer, new ShapingWriter(inner.Output, sniffer));
        try
        {
            await next(context);
        }
        finally
        {
            context.Transport = inner;
        }
    };

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>Remembers the target of the last request line that began a read (its bytes: it is read as a string only
    /// for a rejection, so a request costs no string).</summary>
    private sealed class TargetSniffer(PipeReader inner) : PipeReader
    {
        private readonly byte[] _target = new byte[64];
        private int _targetLength = -1;

        public string? LastTarget => _targetLength < 0 ? null : Encoding.ASCII.GetString(_target, 0, _targetLength);

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var pending = inner.ReadAsync(cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                return SniffWhenReadAsync(pending);
            }

            var result = pending.Result;
            Sniff(result.Buffer);
            return new ValueTask<ReadResult>(result);
        }

        /// <summary>A read that waits: its state machine comes from a pool (as Kestrel's own), not one per request.</summary>
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<ReadResult> SniffWhenReadAsync(ValueTask<ReadResult> pending)
        {
            var result = await pending;
            Sniff(result.Buffer);
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }

            Sniff(result.Buffer);
            return true;
        }

        private void Sniff(ReadOnlySequence<byte> buffer)
        {
            Span<byte> head = stackalloc byte[64];
            var length = (int)Math.Min(buffer.Length, head.Length);
            buffer.Slice(0, length).CopyTo(head);
            head = head[..length];
            var space = head.IndexOf((byte)' ');
            if (space is > 0 and < 10 && head[..space].IndexOfAnyExceptInRange((byte)'A', (byte)'Z') < 0 && space + 1 < head.Length && head[space + 1] == (byte)'/')
            {
                var target = head[(space + 1)..];
                var end = target.IndexOfAny((byte)' ', (byte)'?', (byte)'\r');
                target = end < 0 ? target : target[..end];
                target.CopyTo(_target);
                _targetLength = target.Length;
            }
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }

    private sealed class ShapingWriter(PipeWriter inner, TargetSniffer sniffer) : PipeWriter
    {
        private static ReadOnlySpan<byte> StatusLineStart => "HTTP/1.1 4"u8;

        private static ReadOnlySpan<byte> EmptyBody => "\r\nContent-Length: 0\r\n"u8;

        private static ReadOnlySpan<byte> Closing => "\r\nConnection: close\r\n"u8;

        private static ReadOnlySpan<byte> HeadersEnd => "\r\n\r\n"u8;

        private Memory<byte> _last;

        /// <summary>Kestrel writes a header block into one span and commits it at once unless the span runs out; a span of
        /// at least this much keeps a rejection's header block in one <see cref="Advance"/> wherever the output buffer
        /// happens to end (a kept-alive connection whose earlier answers are still queued).</summary>
        private const int HeaderBlockRoom = 1024;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _last = inner.GetMemory(Math.Max(sizeHint, HeaderBlockRoom));

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            var written = _last.Span[..Math.Min(bytes, _last.Length)];
            if (written.StartsWith(StatusLineStart) && IsBareRejection(written) && Shape(written) is { } shaped)
            {
                shaped.CopyTo(inner.GetMemory(shaped.Length).Span);
                inner.Advance(shaped.Length);
                return;
            }

            inner.Advance(bytes);
        }

        /// <summary>Kestrel's own rejection: a 4xx status line whose whole header block says no body and closing.</summary>
        private static bool IsBareRejection(ReadOnlySpan<byte> written)
        {
            var end = written.IndexOf(HeadersEnd);
            if (end < 0 || end + HeadersEnd.Length != written.Length)
            {
                return false;
            }

            var headers = written[..(end + 2)];
            return headers.IndexOf(EmptyBody) >= 0 && headers.IndexOf(Closing) >= 0;
        }

        private byte[]? Shape(ReadOnlySpan<byte> written)
        {
            var statusLine = Encoding.ASCII.GetString(written[..written.IndexOf("\r\n"u8)]);
            var parts = statusLine.Split(' ', 3);
            if (parts.Length < 3 || !int.TryParse(parts[1], out var status))
            {
                return null;
            }

            var (contentType, body) = Body(sniffer.LastTarget, status, parts[2]);
            var headers = Encoding.ASCII.GetString(written[..written.IndexOf(HeadersEnd)])
                .Replace("\r\nContent-Length: 0", $"\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}", StringComparison.Ordinal);
            return Encoding.UTF8.GetBytes(headers + "\r\n\r\n" + body);
        }

        private static (string ContentType, string Body) Body(string? target, int status, string reason)
        {
            var message = JsonString($"{reason}: the server could not read this request (its target, a header, or the pace of its body); nothing was processed.");
            if (target is not null && (target.StartsWith("/v1/messages", StringComparison.OrdinalIgnoreCase) || target.StartsWith("/anthropic/", StringComparison.OrdinalIgnoreCase)))
            {
                return ("application/json", $$$"""{"type":"error","error":{"type":"invalid_request_error","message":{{{message}}}}}""");
            }

            if (target is not null && target.StartsWith("/api-inference/", StringComparison.OrdinalIgnoreCase))
            {
                return ("application/json", $$"""{"Code":{{status}},"Data":null,"Message":{{message}},"RequestId":null}""");
            }

            if (target is not null && (target.StartsWith("/v1", StringComparison.OrdinalIgnoreCase) || target.StartsWith("/rerank", StringComparison.OrdinalIgnoreCase)))
            {
                return ("application/json", $$"""{"error":{"message":{{message}},"type":"invalid_request_error","param":null,"code":"bad_request"},"request_id":null}""");
            }

            return ("application/problem+json", $$"""{"type":"https://tools.ietf.org/html/rfc9110#section-15.5","title":{{JsonString(reason)}},"status":{{status}},"detail":{{message}}}""");
        }

        private static string JsonString(string text) => System.Text.Json.JsonSerializer.Serialize(text);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;
    }
}
