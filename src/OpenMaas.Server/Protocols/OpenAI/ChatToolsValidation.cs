using System.Text.Json;
using System.Text.RegularExpressions;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>The OpenAI chat fields beyond text: messages' parts and tool calls, <c>tools</c>, <c>tool_choice</c>,
/// <c>response_format</c> and the thinking switches, checked and mapped to the neutral types. Each refusal is a 400
/// naming the field.</summary>
internal static partial class ChatToolsValidation
{
    private static readonly HashSet<string> Efforts = ["none", "minimal", "low", "medium", "high", "xhigh"];

    /// <summary>One message; <paramref name="callIds"/> collects the ids of earlier assistant tool calls so a
    /// <c>tool</c> message answers a call that was made.</summary>
    public static ChatMessage Message(ChatMessageDto m, int i, HashSet<string> callIds)
    {
        var role = m.Role == "developer" ? "system" : m.Role!;
        IReadOnlyList<ToolCall>? calls = null;
        if (m.ToolCalls is { Count: > 0 })
        {
            if (role != "assistant")
            {
                throw CallException.BadRequest($"messages[{i}].tool_calls is only allowed on assistant messages.", $"messages[{i}].tool_calls");
            }

            calls = [.. m.ToolCalls.Select((c, j) => Call(c, $"messages[{i}].tool_calls[{j}]"))];
            callIds.UnionWith(calls.Select(c => c.Id));
        }

        if (role == "tool")
        {
            if (string.IsNullOrEmpty(m.ToolCallId))
            {
                throw CallException.BadRequest($"messages[{i}].tool_call_id is required for a tool message.", $"messages[{i}].tool_call_id");
            }

            if (!callIds.Contains(m.ToolCallId))
            {
                throw CallException.BadRequest(
                    $"messages[{i}].tool_call_id '{m.ToolCallId}' answers no tool call of an earlier assistant message.", $"messages[{i}].tool_call_id");
            }
        }

        return new ChatMessage(role, m.Content?.Text ?? string.Empty)
        {
            Parts = m.Content?.Parts,
            ToolCalls = calls,
            ToolCallId = role == "tool" ? m.ToolCallId : null,
            Path = $"messages[{i}]",
        };
    }

    private static ToolCall Call(ToolCallDto? c, string path)
    {
        if (c is null)
        {
            throw CallException.BadRequest($"{path} must be an object.", path);
        }

        if (string.IsNullOrEmpty(c.Id))
        {
            throw CallException.BadRequest($"{path}.id is required.", $"{path}.id");
        }

        if (c.Type is not (null or "function"))
        {
            throw CallException.BadRequest($"Invalid value '{c.Type}' for {path}.type: expected 'function'.", $"{path}.type");
        }

        if (string.IsNullOrEmpty(c.Function?.Name))
        {
            throw CallException.BadRequest($"{path}.function.name is required.", $"{path}.function.name");
        }

        var arguments = c.Function.Arguments ?? "{}";
        if (!IsJson(arguments))
        {
            throw CallException.BadRequest($"{path}.function.arguments must be a JSON text.", $"{path}.function.arguments");
        }

        return new ToolCall(c.Id, c.Function.Name, arguments);
    }

    public static IReadOnlyList<ToolDefinition> Tools(IReadOnlyList<ToolDto?>? tools)
    {
        if (tools is null)
        {
            return [];
        }

        var defined = new List<ToolDefinition>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var path = $"tools[{i}]";
            var t = tools[i] ?? throw CallException.BadRequest($"{path} must be an object.", path);
            if (t.Type != "function")
            {
                throw CallException.BadRequest($"Invalid value '{t.Type}' for {path}.type: expected 'function'.", $"{path}.type");
            }

            var name = t.Function?.Name;
            if (name is null || !FunctionName().IsMatch(name))
            {
                throw CallException.BadRequest(
                    $"{path}.function.name must be 1 to 64 letters, digits, underscores or dashes (got '{name}').", $"{path}.function.name");
            }

            var parameters = t.Function!.Parameters ?? EmptyObjectSchema;
            if (parameters.ValueKind != JsonValueKind.Object)
            {
                throw CallException.BadRequest($"{path}.function.parameters must be a JSON Schema object.", $"{path}.function.parameters");
            }

            if (defined.Any(d => d.Name == name))
            {
                throw CallException.BadRequest($"{path}.function.name '{name}' is defined twice.", $"{path}.function.name");
            }

            defined.Add(new ToolDefinition(name, t.Function.Description, parameters.Clone()));
        }

        return defined;
    }

    public static ToolChoice ToolChoice(JsonElement? choice, IReadOnlyList<ToolDefinition> tools)
    {
        if (choice is not { } c || c.ValueKind == JsonValueKind.Null)
        {
            return tools.Count == 0 ? new ToolChoice(ToolChoiceMode.None) : Inference.Abstractions.ToolChoice.Auto;
        }

        var mode = c.ValueKind switch
        {
            JsonValueKind.String when c.ValueEquals("none") => new ToolChoice(ToolChoiceMode.None),
            JsonValueKind.String when c.ValueEquals("auto") => Inference.Abstractions.ToolChoice.Auto,
            JsonValueKind.String when c.ValueEquals("required") => new ToolChoice(ToolChoiceMode.Required),
            JsonValueKind.Object when c.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object &&
                f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => new ToolChoice(ToolChoiceMode.Function, n.GetString()),
            _ => throw CallException.BadRequest(
                "tool_choice must be 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}.", "tool_choice"),
        };
        if (mode.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function && tools.Count == 0)
        {
            throw CallException.BadRequest("tool_choice asks for a tool call, but 'tools' is empty.", "tool_choice");
        }

        if (mode.Mode == ToolChoiceMode.Function && tools.All(t => t.Name != mode.Name))
        {
            throw CallException.BadRequest($"tool_choice names the function '{mode.Name}', which is not in 'tools'.", "tool_choice");
        }

        return mode;
    }

    public static ResponseFormat? ResponseFormat(ResponseFormatDto? format)
    {
        switch (format?.Type)
        {
            case null when format is null:
                return null;
            case "text":
                return new ResponseFormat(ResponseFormatKind.Text);
            case "json_object":
                return new ResponseFormat(ResponseFormatKind.JsonObject);
            case "json_schema":
                var s = format.JsonSchema ?? throw CallException.BadRequest("response_format.json_schema is required when type is 'json_schema'.", "response_format.json_schema");
                if (string.IsNullOrEmpty(s.Name))
                {
                    throw CallException.BadRequest("response_format.json_schema.name is required.", "response_format.json_schema.name");
                }

                if (s.Schema is not { ValueKind: JsonValueKind.Object } schema)
                {
                    throw CallException.BadRequest("response_format.json_schema.schema must be a JSON Schema object.", "response_format.json_schema.schema");
                }

                return new ResponseFormat(ResponseFormatKind.JsonSchema, schema.Clone(), s.Name, s.Strict == true);
            default:
                throw CallException.BadRequest(
                    $"Invalid value '{format.Type}' for response_format.type: expected 'text', 'json_object' or 'json_schema'.", "response_format.type");
        }
    }

    public static ThinkingOptions? Thinking(ChatCompletionRequest r)
    {
        if (r.ThinkingBudget is < 1)
        {
            throw CallException.BadRequest($"thinking_budget must be at least 1 (got {r.ThinkingBudget}).", "thinking_budget");
        }

        if (r.ReasoningEffort is { } effort && !Efforts.Contains(effort))
        {
            throw CallException.BadRequest(
                $"Invalid value '{effort}' for reasoning_effort: expected one of {string.Join(", ", Efforts)}.", "reasoning_effort");
        }

        bool? kwargsThinking = null;
        if (r.ChatTemplateKwargs is { } kwargs && kwargs.ValueKind != JsonValueKind.Null)
        {
            if (kwargs.ValueKind != JsonValueKind.Object)
            {
                throw CallException.BadRequest("chat_template_kwargs must be an object.", "chat_template_kwargs");
            }

            if (kwargs.TryGetProperty("enable_thinking", out var t) && t.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                kwargsThinking = t.GetBoolean();
            }
        }

        var enabled = r.EnableThinking ?? kwargsThinking;
        return enabled is null && r.ThinkingBudget is null && r.ReasoningEffort is null
            ? null
            : new ThinkingOptions(enabled, r.ThinkingBudget, r.ReasoningEffort);
    }

    internal static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();
}
