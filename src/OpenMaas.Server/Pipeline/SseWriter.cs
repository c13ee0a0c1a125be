using System.Buffers;
using System.Text.Json;

namespace OpenMaas.Server.Pipeline;

/// <summary>Writes Server-Sent Events (for any surface that streams) straight into the response pipe: <c>data: {json}\n\n</c>. <see cref="WriteEvent{TState}"/>
/// only buffers; <see cref="FlushAsync"/> sends what is buffered, so a caller can send several events with one flush.</summary>
internal sealed class SseWriter : IDisposable
{
    private readonly HttpResponse _response;
    private readonly Utf8JsonWriter _json;

    public SseWriter(HttpResponse response)
    {
        _response = response;
        _json = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { SkipValidation = true });
    }

    public bool Started => _response.HasStarted;

    public void StartStream()
    {
        _response.StatusCode = StatusCodes.Status200OK;
        _response.ContentType = "text/event-stream; charset=utf-8";
        _response.Headers.CacheControl = "no-cache";
        _response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Writes one event whose JSON the callback produces, then flushes it to the client.</summary>
    public ValueTask<bool> WriteEventAsync<TState>(Action<Utf8JsonWriter, TState> write, TState state, CancellationToken ct)
    {
        WriteEvent(write, state);
        return FlushAsync(ct);
    }

    /// <summary>Buffers one event whose JSON the callback produces; it reaches the client at the next flush.</summary>
    public void WriteEvent<TState>(Action<Utf8JsonWriter, TState> write, TState state)
    {
        var pipe = _response.BodyWriter;
        pipe.Write("data: "u8);
        _json.Reset(pipe);
        write(_json, state);
        _json.Flush();
        pipe.Write("\n\n"u8);
    }

    public ValueTask<bool> WriteDoneAsync(CancellationToken ct)
    {
        _response.BodyWriter.Write("data: [DONE]\n\n"u8);
        return FlushAsync(ct);
    }

    /// <summary>Sends the buffered events; false when the client is gone.</summary>
    public async ValueTask<bool> FlushAsync(CancellationToken ct)
    {
        var result = await _response.BodyWriter.FlushAsync(ct);
        return !result.IsCanceled && !result.IsCompleted;
    }

    public void Dispose() => _json.Dispose();
}
