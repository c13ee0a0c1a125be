using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>
/// Puts a conversation with tools into the words of llama.cpp's generic tool-call format, as llama-server (and its
/// minja polyfills) does for a chat template that knows no tools: the system message gains the instruction to answer in
/// JSON and the tool definitions (OpenAI's shape, indented JSON); an assistant's earlier calls become its content
/// <c>{"tool_calls": [{"name", "arguments", "id"}]}</c>; a tool result becomes a user message
/// <c>{"tool_response": {"tool", "content", "tool_call_id"}}</c>. The output is plain text messages, so any template
/// (or none) renders it; the matching grammar is <c>Inference/Grammar/ToolCallGrammar</c>.
/// </summary>
internal static class GenericToolPrompt
{
    private const string Instruction =
        "Respond in JSON format, either with `tool_call` (a request to call tools) or with `response` reply to the user's request";

    private const string ParallelInstruction =
        "Respond in JSON format, either with `tool_calls` (a list of requests to call tools) or with `response` reply to the user's request";

    private const string RequiredInstruction = "Respond in JSON format with `tool_call` (a request to call tools)";

    private const string RequiredParallelInstruction = "Respond in JSON format with `tool_calls` (a list of requests to call tools)";

    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The conversation with the tools rendered into it (<paramref name="tools"/> is what may be called).</summary>
    public static PromptInput.Chat Render(PromptInput.Chat chat, IReadOnlyList<ToolDefinition> tools, bool parallel, bool required)
    {
        var addition = (required ? parallel ? RequiredParallelInstruction : RequiredInstruction : parallel ? ParallelInstruction : Instruction) +
            "\n\nYou can call any of the following tools to satisfy the user's requests: " + Json(w => WriteTools(w, tools));
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var messages = new List<ChatMessage>(chat.Messages.Count + 1);
        foreach (var m in chat.Messages)
        {
            if (m.ToolCalls is { Count: > 0 } calls)
            {
                foreach (var c in calls)
                {
                    names[c.Id] = c.Name;
                }

                messages.Add(new ChatMessage(m.Role, Json(w => WriteCalls(w, calls, m.Content))));
            }
            else if (m.Role == "tool")
            {
                var name = m.ToolCallId is { } id && names.TryGetValue(id, out var n) ? n : null;
                messages.Add(new ChatMessage("user", Json(w => WriteResult(w, name, m))));
            }
            else
            {
                messages.Add(new ChatMessage(m.Role, m.Content));
            }
        }

        if (messages.Count > 0 && messages[0].Role == "system")
        {
            messages[0] = messages[0] with { Content = messages[0].Content + "\n\n" + addition };
        }
        else
        {
            messages.Insert(0, new ChatMessage("system", addition));
        }

        return new PromptInput.Chat(messages);
    }

    private static void WriteTools(Utf8JsonWriter w, IReadOnlyList<ToolDefinition> tools)
    {
        w.WriteStartArray();
        foreach (var t in tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", t.Name);
            if (t.Description is { } description)
            {
                w.WriteString("description", description);
            }

            w.WritePropertyName("parameters");
            t.Parameters.WriteTo(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteCalls(Utf8JsonWriter w, IReadOnlyList<ToolCall> calls, string content)
    {
        w.WriteStartObject();
        w.WriteStartArray("tool_calls");
        foreach (var c in calls)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WritePropertyName("arguments");
            WriteArguments(w, c.Arguments);
            w.WriteString("id", c.Id);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (content.Length > 0)
        {
            w.WriteString("content", content);
        }

        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, string? name, ChatMessage m)
    {
        w.WriteStartObject();
        w.WriteStartObject("tool_response");
        if (name is not null)
        {
            w.WriteString("tool", name);
        }

        w.WriteString("content", m.Content);
        if (m.IsError)
        {
            w.WriteBoolean("is_error", true);
        }

        if (m.ToolCallId is { } id)
        {
            w.WriteString("tool_call_id", id);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Arguments are JSON text (validated by the wire layer); written as the value they are, or as a string
    /// when they are not JSON after all.</summary>
    private static void WriteArguments(Utf8JsonWriter w, string arguments)
    {
        try
        {
            using var doc = JsonDocument.Parse(arguments);
            doc.RootElement.WriteTo(w);
        }
        catch (JsonException)
        {
            w.WriteStringValue(arguments);
        }
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Indented))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
