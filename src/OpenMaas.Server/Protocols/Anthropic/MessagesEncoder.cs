using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>
/// The Messages API as Anthropic's SDKs parse it (<c>event: NAME</c> then <c>data: {json}</c>): <c>message_start</c>;
/// for each block <c>content_block_start</c> (<c>thinking</c>, <c>text</c> or <c>tool_use</c>; the first followed by
/// <c>ping</c>), its deltas (<c>thinking_delta</c>, <c>text_delta</c>, <c>input_json_delta</c>) and
/// <c>content_block_stop</c>; then <c>message_delta</c> and <c>message_stop</c>. A new kind of part, or a new tool call,
/// closes the open block and opens the next. Collected, one <c>message</c> with the same blocks.
/// </summary>
internal sealed class MessagesEncoder(string id, string model) : IGenerationEncoder
{
    private enum Block
    {
        None,
        Thinking,
        Text,
        ToolUse,
    }

    private Block _open;
    private int _index = -1;
    private int _toolIndex = -1;
    private bool _pingPending;

    public void WriteStart(SseWriter sse, in GenerationChunk first)
    {
        sse.Event("message_start"u8, (id, model, first.PromptTokens), static (w, s) =>
        {
            w.WriteStartObject();
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
            w.WriteNumber("input_tokens", s.PromptTokens);
            w.WriteNumber("output_tokens", 0);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
        _pingPending = true;
    }

    public void WriteText(SseWriter sse, string text)
    {
        Open(sse, Block.Text, null);
        if (text.Length > 0)
        {
            Delta(sse, "text_delta", "text", text);
        }
    }

    public void WriteReasoning(SseWriter sse, string text)
    {
        Open(sse, Block.Thinking, null);
        Delta(sse, "thinking_delta", "thinking", text);
    }

    public void WriteToolCall(SseWriter sse, ToolCallDelta delta)
    {
        if (_open != Block.ToolUse || delta.Index != _toolIndex)
        {
            _toolIndex = delta.Index;
            Open(sse, Block.ToolUse, delta);
        }

        if (delta.Arguments is { Length: > 0 } arguments)
        {
            Delta(sse, "input_json_delta", "partial_json", arguments);
        }
    }

    public void WriteEnd(SseWriter sse, GenerationEnd end)
    {
        Close(sse);
        sse.Event("message_delta"u8, (Reason: StopReasons.From(end.Finish, end.StopSequence), end.StopSequence, end.CompletionTokens, end.PromptTokens), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "message_delta");
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", s.Reason);
            if (s.StopSequence is null)
            {
                w.WriteNull("stop_sequence");
            }
            else
            {
                w.WriteString("stop_sequence", s.StopSequence);
            }

            w.WriteEndObject();
            w.WriteStartObject("usage");
            // Cumulative, as Anthropic's own message_delta carries it: an engine reports the prompt's tokens only at the
            // end, after message_start went out with what was known then.
            w.WriteNumber("input_tokens", s.PromptTokens);
            w.WriteNumber("output_tokens", s.CompletionTokens);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        sse.Event("message_stop"u8, 0, static (w, _) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "message_stop");
            w.WriteEndObject();
        });
    }

    public IResult ToResult(GenerationResult result) =>
        TypedResults.Json(MessagesMapping.ToResponse(id, model, result), AnthropicJson.Default.MessagesResponse);

    /// <summary>Opens a block of <paramref name="kind"/> unless one is open (a tool call always opens its own).</summary>
    private void Open(SseWriter sse, Block kind, ToolCallDelta? call)
    {
        if (_open == kind && kind != Block.ToolUse)
        {
            return;
        }

        Close(sse);
        _open = kind;
        _index++;
        sse.Event("content_block_start"u8, (_index, kind, call), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "content_block_start");
            w.WriteNumber("index", s._index);
            w.WriteStartObject("content_block");
            switch (s.kind)
            {
                case Block.Thinking:
                    w.WriteString("type", "thinking");
                    w.WriteString("thinking", string.Empty);
                    break;
                case Block.ToolUse:
                    w.WriteString("type", "tool_use");
                    w.WriteString("id", s.call?.Id ?? $"toolu_{s.call?.Index}");
                    w.WriteString("name", s.call?.Name ?? string.Empty);
                    w.WriteStartObject("input");
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteString("type", "text");
                    w.WriteString("text", string.Empty);
                    break;
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
        if (_pingPending)
        {
            _pingPending = false;
            sse.Event("ping"u8, 0, static (w, _) =>
            {
                w.WriteStartObject();
                w.WriteString("type", "ping");
                w.WriteEndObject();
            });
        }
    }

    private void Close(SseWriter sse)
    {
        if (_open == Block.None)
        {
            return;
        }

        _open = Block.None;
        sse.Event("content_block_stop"u8, _index, static (w, index) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "content_block_stop");
            w.WriteNumber("index", index);
            w.WriteEndObject();
        });
    }

    private void Delta(SseWriter sse, string type, string field, string value) =>
        sse.Event("content_block_delta"u8, (_index, type, field, value), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "content_block_delta");
            w.WriteNumber("index", s._index);
            w.WriteStartObject("delta");
            w.WriteString("type", s.type);
            w.WriteString(s.field, s.value);
            w.WriteEndObject();
            w.WriteEndObject();
        });
}
