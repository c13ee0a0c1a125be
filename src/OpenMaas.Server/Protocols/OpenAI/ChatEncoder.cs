using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>
/// OpenAI chat completions: <c>chat.completion.chunk</c> events whose <c>delta</c> carries <c>content</c>,
/// <c>reasoning_content</c> (kept apart, as DeepSeek, Qwen and ModelScope send it) or <c>tool_calls</c> fragments (the
/// first delta also the role); a last chunk with the finish reason, the usage chunk when asked for, <c>[DONE]</c>. The
/// collected answer is a <c>chat.completion</c> whose message has the same parts.
/// </summary>
internal sealed class ChatEncoder(CompletionIds ids, bool includeUsage) : IGenerationEncoder
{
    public static readonly JsonEncodedText ChunkObject = JsonEncodedText.Encode("chat.completion.chunk");
    private static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta");
    private static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText ReasoningContent = JsonEncodedText.Encode("reasoning_content");
    private static readonly JsonEncodedText ToolCalls = JsonEncodedText.Encode("tool_calls");
    private bool _roleSent;

    public void WriteStart(SseWriter sse, in GenerationChunk first)
    {
    }

    public void WriteText(SseWriter sse, string text) => WriteDelta(sse, Content, text);

    public void WriteReasoning(SseWriter sse, string text) => WriteDelta(sse, ReasoningContent, text);

    public void WriteToolCall(SseWriter sse, ToolCallDelta delta)
    {
        var role = TakeRole();
        sse.Data((Ids, delta, role), static (w, s) =>
        {
            ChunkJson.WriteOpen(w, s.Ids, ChunkObject);
            w.WriteStartObject(Delta);
            if (s.role)
            {
                w.WriteString(Role, "assistant");
            }

            w.WriteStartArray(ToolCalls);
            w.WriteStartObject();
            w.WriteNumber("index", s.delta.Index);
            if (s.delta.Id is { } id)
            {
                w.WriteString("id", id);
                w.WriteString("type", "function");
            }

            w.WriteStartObject("function");
            if (s.delta.Name is { } name)
            {
                w.WriteString("name", name);
            }

            w.WriteString("arguments", s.delta.Arguments ?? string.Empty);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            ChunkJson.WriteClose(w, null);
        });
    }

    public void WriteEnd(SseWriter sse, GenerationEnd end)
    {
        sse.Data((Ids, end.Finish), static (w, s) =>
        {
            ChunkJson.WriteOpen(w, s.Ids, ChunkObject);
            w.WriteStartObject(Delta);
            w.WriteEndObject();
            ChunkJson.WriteClose(w, s.Finish);
        });
        if (includeUsage)
        {
            sse.Data((Ids, Usage: new Usage(end.PromptTokens, end.CompletionTokens)), static (w, s) => ChunkJson.WriteUsageChunk(w, s.Ids, ChunkObject, s.Usage));
        }

        sse.Done();
    }

    public IResult ToResult(GenerationResult result)
    {
        var message = new AssistantMessage(result.Text.Length > 0 || result.ToolCalls.Count == 0 ? result.Text : null)
        {
            ReasoningContent = result.Reasoning,
            ToolCalls = result.ToolCalls.Count == 0 ? null : [.. result.ToolCalls.Select(c => new ToolCallObject(c.Id, new FunctionCall(c.Name, c.Arguments)))],
        };
        var end = result.End;
        return TypedResults.Json(
            new ChatCompletion(ids.Id, ids.Created, ids.Model, [new ChatChoice(0, message, end.Finish.ToWire())], new Usage(end.PromptTokens, end.CompletionTokens)),
            OpenAIJson.Default.ChatCompletion);
    }

    private CompletionIds Ids => ids;

    private bool TakeRole()
    {
        var role = !_roleSent;
        _roleSent = true;
        return role;
    }

    private void WriteDelta(SseWriter sse, JsonEncodedText field, string text) =>
        sse.Data((Ids, field, text, Role: TakeRole()), static (w, s) =>
        {
            ChunkJson.WriteOpen(w, s.Ids, ChunkObject);
            w.WriteStartObject(Delta);
            if (s.Role)
            {
                w.WriteString(Role, "assistant");
            }

            w.WriteString(s.field, s.text);
            w.WriteEndObject();
            ChunkJson.WriteClose(w, null);
        });
}
