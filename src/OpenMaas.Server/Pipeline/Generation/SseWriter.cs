using System.Buffers;
using System.Text.Json;

namespace OpenMaas.Server.Pipeline.Generation;

/// <summary>
/// The one Server-Sent Events writer of every surface that streams: <c>[event: NAME\n]data: {json}\n\n</c> straight into
/// the response pipe. Writing only buffers; <see cref="FlushAsync"/> sends what is buffered, so the responder's one flush
/// policy decides when bytes leave. (.NET's <c>SseFormatter</c> writes from an <c>IAsyncEnumerable</c> and flushes
/// after every item; the responder needs to write several events per flush and to overlap a flush with the wait for
/// the next token, so events are written here with the same framing.)
/// </summary>
public sealed class SseWriter : IDisposable
{
    private readonly HttpResponse _response;
    private readonly Utf8JsonWriter _json;

    /// <summary>A writer into <paramref name="response"/>'s body pipe.</summary>
    /// <param name="response">The response to stream.</param>
    public SseWriter(HttpResponse response)
    {
        _response = response;
        _json = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Commits the status and the stream's headers (nothing is sent before the first flush).</summary>
    public void Start()
    {
        _response.StatusCode = StatusCodes.Status200OK;
        _response.ContentType = "text/event-stream; charset=utf-8";
        _response.Headers.CacheControl = "no-cache";
        _response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Buffers one unnamed event whose JSON the callback produces.</summary>
    public void Data<TState>(TState state, Action<Utf8JsonWriter, TState> write) => Event(default, state, write);

    /// <summary>Buffers one event (named when <paramref name="name"/> is not empty) whose JSON the callback writes.</summary>
    public void Event<TState>(ReadOnlySpan<byte> name, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var pipe = _response.BodyWriter;
        if (!name.IsEmpty)
        {
            pipe.Write("event: "u8);
            pipe.Write(name);
            pipe.Write("\n"u8);
        }

        pipe.Write("data: "u8);
        _json.Reset(pipe);
        write(_json, state);
        _json.Flush();
        pipe.Write("\n\n"u8);
    }

    /// <summary>Buffers OpenAI's end marker, <c>data: [DONE]</c>.</summary>
    public void Done() => _response.BodyWriter.Write("data: [DONE]\n\n"u8);

    /// <summary>Sends the buffered events; false when the client is gone.</summary>
    public async ValueTask<bool> FlushAsync(CancellationToken ct)
    {
        var result = await _response.BodyWriter.FlushAsync(ct);
        return !result.IsCanceled && !result.IsCompleted;
    }

    /// <inheritdoc/>
    public void Dispose() => _json.Dispose();
}
