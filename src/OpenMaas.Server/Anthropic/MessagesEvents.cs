using System.Buffers;
using System.Text.Json;

namespace OpenMaas.Server.Anthropic;

/// <summary>
/// Writes the Messages API's server-sent events as Anthropic's SDKs parse them (<c>event: NAME</c> then
/// <c>data: {json}</c>): <c>message_start</c>, <c>content_block_start</c>, <c>ping</c>, <c>content_block_delta</c>
/// (<c>text_delta</c>) …, <c>content_block_stop</c>, <c>message_delta</c>, <c>message_stop</c>; or an <c>error</c>
/// event once the stream has started. It only buffers into <paramref name="output"/>; the caller flushes.
/// </summary>
internal sealed class MessagesEvents(IBufferWriter<byte> output) : IDisposable
{
    private readonly Utf8JsonWriter _json = new(output, new JsonWriterOptions { SkipValidation = true });

    /// <summary>The text block is always block 0: the models served here answer with one text block.</summary>
    private const int Index = 0;

    public void MessageStart(string id, string model, int inputTokens) => Event("message_start"u8, (id, model, inputTokens), static (w, s) =>
    {
        w.WriteString("type", "message_start");
        w.WriteStartObject("message");
        w.WriteString("id", s.id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteStartArray("content");
        w.WriteEndArray();
        w.WriteString("model", s.model);
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", s.inputTokens);
        w.WriteNumber("output_tokens", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public void ContentBlockStart() => Event("content_block_start"u8, 0, static (w, _) =>
    {
        w.WriteString("type", "content_block_start");
        w.WriteNumber("index", Index);
        w.WriteStartObject("content_block");
        w.WriteString("type", "text");
        w.WriteString("text", string.Empty);
        w.WriteEndObject();
    });

    public void Ping() => Event("ping"u8, 0, static (w, _) => w.WriteString("type", "ping"));

    public void TextDelta(string text) => Event("content_block_delta"u8, text, static (w, t) =>
    {
        w.WriteString("type", "content_block_delta");
        w.WriteNumber("index", Index);
        w.WriteStartObject("delta");
        w.WriteString("type", "text_delta");
        w.WriteString("text", t);
        w.WriteEndObject();
    });

    public void ContentBlockStop() => Event("content_block_stop"u8, 0, static (w, _) =>
    {
        w.WriteString("type", "content_block_stop");
        w.WriteNumber("index", Index);
    });

    public void MessageDelta(string stopReason, string? stopSequence, int outputTokens) => Event("message_delta"u8, (stopReason, stopSequence, outputTokens), static (w, s) =>
    {
        w.WriteString("type", "message_delta");
        w.WriteStartObject("delta");
        w.WriteString("stop_reason", s.stopReason);
        if (s.stopSequence is null)
        {
            w.WriteNull("stop_sequence");
        }
        else
        {
            w.WriteString("stop_sequence", s.stopSequence);
        }

        w.WriteEndObject();
        w.WriteStartObject("usage");
        w.WriteNumber("output_tokens", s.outputTokens);
        w.WriteEndObject();
    });

    public void MessageStop() => Event("message_stop"u8, 0, static (w, _) => w.WriteString("type", "message_stop"));

    /// <summary>An error after the first byte: the stream ends with it instead of a silent cut.</summary>
    public void Error(string type, string message) => Event("error"u8, (type, message), static (w, s) =>
    {
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        w.WriteString("type", s.type);
        w.WriteString("message", s.message);
        w.WriteEndObject();
    });

    private void Event<TState>(ReadOnlySpan<byte> name, TState state, Action<Utf8JsonWriter, TState> body)
    {
        output.Write("event: "u8);
        output.Write(name);
        output.Write("\ndata: "u8);
        _json.Reset(output);
        _json.WriteStartObject();
        body(_json, state);
        _json.WriteEndObject();
        _json.Flush();
        output.Write("\n\n"u8);
    }

    public void Dispose() => _json.Dispose();
}
