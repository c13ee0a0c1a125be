using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.OpenAI.ResponsesApi;

/// <summary>A checked <c>POST /v1/responses</c>: the call's own input items and the settings echoed in the answer.</summary>
public sealed record ValidatedResponses
{
    public required string Model { get; init; }

    public string? Instructions { get; init; }

    public required IReadOnlyList<ConversationItem> Input { get; init; }

    public int? MaxOutputTokens { get; init; }

    public required SamplingOptions Sampling { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public string? User { get; init; }

    public bool Store { get; init; } = true;

    public string? PreviousResponseId { get; init; }

    public bool Stream { get; init; }

    /// <summary>The function tools as sent (a JSON array), echoed in the answer.</summary>
    public JsonElement? Tools { get; init; }

    /// <summary>The tool choice as sent, or null for <c>auto</c>.</summary>
    public JsonElement? ToolChoice { get; init; }

    public bool ParallelToolCalls { get; init; } = true;

    /// <summary><c>parallel_tool_calls</c> as sent (null when absent): a local model answers in parallel form only
    /// when asked explicitly, as llama-server does.</summary>
    public bool? ParallelToolCallsAsSent { get; init; }

    /// <summary>The <c>text</c> setting as sent (its <c>format</c> checked), or null for plain text.</summary>
    public JsonElement? Text { get; init; }

    public string? ReasoningEffort { get; init; }

    public string Truncation { get; init; } = "disabled";

    /// <summary>The function tools, neutral (offered to the model).</summary>
    public IReadOnlyList<ToolDefinition> ToolDefinitions { get; init; } = [];

    /// <summary>The tool choice, neutral.</summary>
    public ToolChoice Choice { get; init; } = Inference.Abstractions.ToolChoice.Auto;

    /// <summary><c>text.format</c>, neutral; null for plain text.</summary>
    public ResponseFormat? Format { get; init; }

    /// <summary><c>reasoning.effort</c> as the engines' thinking switches; null when not asked.</summary>
    public ThinkingOptions? Thinking { get; init; }
}

/// <summary>Checks every field of a Responses request and maps its input items to the conversation OpenMaaS keeps;
/// throws a 400 <see cref="CallException"/> naming the field at fault (OpenAI's spelling, e.g. <c>input[1].content</c>).</summary>
public static class ResponsesValidation
{
    private static readonly HashSet<string> Roles = ["user", "system", "developer", "assistant"];
    private static readonly HashSet<string> Efforts = ["none", "minimal", "low", "medium", "high"];

    public static ValidatedResponses Validate(this ResponsesRequest r)
    {
        Check(!string.IsNullOrWhiteSpace(r.Model), "model", "'model' is required.");
        Check(r.MaxOutputTokens is null or >= 1, "max_output_tokens", $"max_output_tokens must be at least 1 (got {r.MaxOutputTokens}).");
        Check(r.Temperature is null or (>= 0 and <= 2), "temperature", $"temperature must be between 0 and 2 (got {r.Temperature}).");
        Check(r.TopP is null or (> 0 and <= 1), "top_p", $"top_p must be greater than 0 and at most 1 (got {r.TopP}).");
        Check(r.Background != true, "background", "background responses are not supported: ask without 'background' (or stream).");
        Check(r.Truncation is null or "auto" or "disabled", "truncation", $"Invalid value '{r.Truncation}' for truncation: expected 'auto' or 'disabled'.");
        Check(r.PreviousResponseId is null || r.PreviousResponseId.Length > 0, "previous_response_id", "previous_response_id must not be empty.");
        CheckMetadata(r.Metadata);
        var tools = CheckTools(r.Tools);
        var definitions = ToDefinitions(tools);
        var text = CheckText(r.Text);
        var effort = CheckReasoning(r.Reasoning);
        return new ValidatedResponses
        {
            Model = r.Model,
            Instructions = r.Instructions,
            Input = ReadInput(r.Input),
            MaxOutputTokens = r.MaxOutputTokens,
            Sampling = new SamplingOptions { Temperature = r.Temperature ?? 1f, TopP = r.TopP ?? 1f },
            Metadata = r.Metadata ?? [],
            User = r.User,
            Store = r.Store ?? true,
            PreviousResponseId = r.PreviousResponseId,
            Stream = r.Stream == true,
            Tools = tools,
            ToolChoice = r.ToolChoice is { ValueKind: not JsonValueKind.Null } choice ? choice : null,
            Choice = CheckToolChoice(r.ToolChoice, definitions),
            ToolDefinitions = definitions,
            ParallelToolCalls = r.ParallelToolCalls ?? true,
            ParallelToolCallsAsSent = r.ParallelToolCalls,
            Text = text,
            Format = ToFormat(text),
            ReasoningEffort = effort,
            Thinking = effort is null ? null : new ThinkingOptions(effort != "none", Effort: effort),
            Truncation = r.Truncation ?? "disabled",
        };
    }

    /// <summary>The conversation a call answers: what its previous response answered and said, then its own input. A
    /// <c>function_call_output</c> must answer a <c>function_call</c> made before it.</summary>
    public static IReadOnlyList<ConversationItem> Conversation(IReadOnlyList<ConversationItem> previous, IReadOnlyList<ConversationItem> input)
    {
        var calls = previous.Where(i => i.Type == "function_call").Select(i => i.CallId).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < input.Count; i++)
        {
            var item = input[i];
            if (item.Type == "function_call")
            {
                calls.Add(item.CallId);
            }
            else if (item.Type == "function_call_output" && !calls.Contains(item.CallId))
            {
                throw CallException.BadRequest(
                    $"No tool call found for function call output with call_id '{item.CallId}' (input[{i}].call_id).", $"input[{i}].call_id");
            }
        }

        var all = new List<ConversationItem>(previous.Count + input.Count);
        all.AddRange(previous);
        all.AddRange(input);
        if (!all.Any(i => i.Type != "function_call"))
        {
            throw CallException.BadRequest("'input' must contain at least one message.", "input");
        }

        return all;
    }

    /// <summary>The conversation as the neutral chat: instructions first (they do not carry over from a previous
    /// response), messages as they are; consecutive <c>function_call</c> items become one assistant message with those
    /// tool calls, and each <c>function_call_output</c> a <c>tool</c> message answering its call; the tools offered.</summary>
    public static PromptInput.Chat ToPrompt(string? instructions, IReadOnlyList<ConversationItem> conversation, IReadOnlyList<ToolDefinition>? tools = null)
    {
        var messages = new List<ChatMessage>(conversation.Count + 1);
        if (!string.IsNullOrEmpty(instructions))
        {
            messages.Add(new ChatMessage("system", instructions));
        }

        for (var i = 0; i < conversation.Count; i++)
        {
            var item = conversation[i];
            switch (item.Type)
            {
                case "function_call":
                    var calls = new List<ToolCall>();
                    for (; i < conversation.Count && conversation[i].Type == "function_call"; i++)
                    {
                        calls.Add(new ToolCall(conversation[i].CallId!, conversation[i].Name!, conversation[i].Arguments ?? "{}"));
                    }

                    i--;
                    messages.Add(new ChatMessage("assistant", string.Empty) { ToolCalls = calls });
                    break;
                case "function_call_output":
                    messages.Add(new ChatMessage("tool", item.Output ?? string.Empty) { ToolCallId = item.CallId });
                    break;
                default:
                    messages.Add(new ChatMessage(item.Role == "developer" ? "system" : item.Role!, item.Text ?? string.Empty));
                    break;
            }
        }

        return new PromptInput.Chat(messages) { Tools = tools ?? [] };
    }

    private static List<ConversationItem> ReadInput(JsonElement? input)
    {
        if (input is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            throw CallException.BadRequest("'input' is required.", "input");
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [Message("user", value.GetString()!)];
        }

        Check(value.ValueKind == JsonValueKind.Array, "input", "'input' must be a string or an array of input items.");
        var items = new List<ConversationItem>();
        var i = 0;
        foreach (var element in value.EnumerateArray())
        {
            if (ReadItem(element, $"input[{i}]") is { } item)
            {
                items.Add(item);
            }

            i++;
        }

        Check(items.Count > 0 || i > 0, "input", "'input' must contain at least one item.");
        return items;
    }

    private static ConversationItem? ReadItem(JsonElement e, string at)
    {
        Check(e.ValueKind == JsonValueKind.Object, at, $"{at} must be an object.");
        var type = e.TryGetProperty("type", out var t) ? (t.ValueKind == JsonValueKind.String ? t.GetString() : throw Bad($"{at}.type", $"{at}.type must be a string.")) : "message";
        switch (type)
        {
            case "message":
                var role = RequiredString(e, "role", at);
                Check(Roles.Contains(role), $"{at}.role", $"Invalid value '{role}' for {at}.role: expected one of user, system, developer, assistant.");
                return Message(role, ReadContent(e, at));
            case "function_call":
                return new ConversationItem
                {
                    Type = "function_call",
                    Id = OptionalString(e, "id", at) ?? ResponseIds.New("fc_"),
                    CallId = RequiredString(e, "call_id", at),
                    Name = RequiredString(e, "name", at),
                    Arguments = RequiredString(e, "arguments", at),
                };
            case "function_call_output":
                var output = e.TryGetProperty("output", out var o) ? o : throw Bad($"{at}.output", $"{at}.output is required.");
                return new ConversationItem
                {
                    Type = "function_call_output",
                    Id = OptionalString(e, "id", at) ?? ResponseIds.New("fco_"),
                    CallId = RequiredString(e, "call_id", at),
                    Output = output.ValueKind == JsonValueKind.String ? output.GetString() : PartsText(output, $"{at}.output"),
                };
            case "reasoning":
                // A model's earlier reasoning sent back by agents (Codex): it is not part of the next prompt.
                return null;
            default:
                throw Bad($"{at}.type",
                    $"Invalid value '{type}' for {at}.type: expected one of message, function_call, function_call_output, reasoning (other item types are not served).");
        }
    }

    private static string ReadContent(JsonElement item, string at)
    {
        if (!item.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            throw Bad($"{at}.content", $"{at}.content is required.");
        }

        return content.ValueKind == JsonValueKind.String ? content.GetString()! : PartsText(content, $"{at}.content");
    }

    private static string PartsText(JsonElement parts, string at)
    {
        Check(parts.ValueKind == JsonValueKind.Array, at, $"{at} must be a string or an array of content parts.");
        var text = new System.Text.StringBuilder();
        var i = 0;
        foreach (var part in parts.EnumerateArray())
        {
            var p = $"{at}[{i++}]";
            Check(part.ValueKind == JsonValueKind.Object, p, $"{p} must be an object.");
            var type = RequiredString(part, "type", p);
            switch (type)
            {
                case "input_text" or "output_text" or "text":
                    text.Append(RequiredString(part, "text", p));
                    break;
                case "refusal":
                    text.Append(RequiredString(part, "refusal", p));
                    break;
                case "input_image" or "input_file" or "input_audio":
                    throw Bad($"{p}.type", $"{p} is an {type} part; this endpoint accepts text parts only.");
                default:
                    throw Bad($"{p}.type", $"Invalid value '{type}' for {p}.type: expected input_text (or output_text in an assistant message).");
            }
        }

        return text.ToString();
    }

    private static JsonElement? CheckTools(List<JsonElement>? tools)
    {
        if (tools is null)
        {
            return null;
        }

        for (var i = 0; i < tools.Count; i++)
        {
            var at = $"tools[{i}]";
            var tool = tools[i];
            Check(tool.ValueKind == JsonValueKind.Object, at, $"{at} must be an object.");
            var type = RequiredString(tool, "type", at);
            Check(type == "function", $"{at}.type",
                $"The built-in tool '{type}' is not served by OpenMaaS; only tools of type 'function' are accepted.");
            RequiredString(tool, "name", at);
            if (tool.TryGetProperty("parameters", out var parameters))
            {
                Check(parameters.ValueKind is JsonValueKind.Object or JsonValueKind.Null, $"{at}.parameters", $"{at}.parameters must be a JSON Schema object.");
            }
        }

        return JsonSerializer.SerializeToElement(tools, ResponsesJson.Default.ListJsonElement);
    }

    private static ToolChoice CheckToolChoice(JsonElement? choice, IReadOnlyList<ToolDefinition> tools)
    {
        if (choice is not { } c || c.ValueKind == JsonValueKind.Null)
        {
            return Inference.Abstractions.ToolChoice.Auto;
        }

        if (c.ValueKind == JsonValueKind.String)
        {
            var value = c.GetString();
            Check(value is "auto" or "none" or "required", "tool_choice", $"Invalid value '{value}' for tool_choice: expected auto, none or required.");
            Check(value != "required" || tools.Count > 0, "tool_choice", "tool_choice 'required' needs at least one function in 'tools'.");
            return new ToolChoice(value switch { "none" => ToolChoiceMode.None, "required" => ToolChoiceMode.Required, _ => ToolChoiceMode.Auto });
        }

        Check(c.ValueKind == JsonValueKind.Object, "tool_choice", "tool_choice must be a string or an object.");
        var type = RequiredString(c, "type", "tool_choice");
        Check(type == "function", "tool_choice.type", $"Invalid value '{type}' for tool_choice.type: only 'function' is served.");
        var name = RequiredString(c, "name", "tool_choice");
        Check(tools.Any(t => t.Name == name), "tool_choice.name", $"tool_choice names '{name}', which is not a function in 'tools'.");
        return new ToolChoice(ToolChoiceMode.Function, name);
    }

    private static List<ToolDefinition> ToDefinitions(JsonElement? tools) =>
        tools is not { ValueKind: JsonValueKind.Array } array ? [] : [.. array.EnumerateArray().Select(t => new ToolDefinition(
            t.GetProperty("name").GetString()!,
            t.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null,
            t.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone()))];

    private static ResponseFormat? ToFormat(JsonElement? text)
    {
        if (text is not { } t || !t.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return format.GetProperty("type").GetString() switch
        {
            "json_object" => new ResponseFormat(ResponseFormatKind.JsonObject),
            "json_schema" => new ResponseFormat(ResponseFormatKind.JsonSchema, format.GetProperty("schema").Clone(), format.GetProperty("name").GetString(),
                format.TryGetProperty("strict", out var strict) && strict.ValueKind == JsonValueKind.True),
            _ => null,
        };
    }

    private static JsonElement? CheckText(JsonElement? text)
    {
        if (text is not { } t || t.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Check(t.ValueKind == JsonValueKind.Object, "text", "text must be an object.");
        if (t.TryGetProperty("format", out var format) && format.ValueKind != JsonValueKind.Null)
        {
            Check(format.ValueKind == JsonValueKind.Object, "text.format", "text.format must be an object.");
            var type = RequiredString(format, "type", "text.format");
            switch (type)
            {
                case "text" or "json_object":
                    break;
                case "json_schema":
                    RequiredString(format, "name", "text.format");
                    Check(format.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object, "text.format.schema", "text.format.schema is required and must be a JSON Schema object.");
                    break;
                default:
                    throw Bad("text.format.type", $"Invalid value '{type}' for text.format.type: expected text, json_object or json_schema.");
            }
        }

        return t;
    }

    private static string? CheckReasoning(JsonElement? reasoning)
    {
        if (reasoning is not { } r || r.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Check(r.ValueKind == JsonValueKind.Object, "reasoning", "reasoning must be an object.");
        if (!r.TryGetProperty("effort", out var effort) || effort.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var value = effort.ValueKind == JsonValueKind.String ? effort.GetString()! : throw Bad("reasoning.effort", "reasoning.effort must be a string.");
        Check(Efforts.Contains(value), "reasoning.effort", $"Invalid value '{value}' for reasoning.effort: expected none, minimal, low, medium or high.");
        return value;
    }

    private static void CheckMetadata(Dictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        Check(metadata.Count <= 16, "metadata", "metadata holds at most 16 pairs.");
        foreach (var (key, value) in metadata)
        {
            Check(key.Length <= 64, "metadata", $"metadata keys are at most 64 characters ('{key[..Math.Min(16, key.Length)]}…').");
            Check(value is not null && value.Length <= 512, "metadata", $"metadata['{key}'] must be a string of at most 512 characters.");
        }
    }

    private static ConversationItem Message(string role, string text) => new() { Type = "message", Id = ResponseIds.New("msg_"), Role = role, Text = text };

    private static string RequiredString(JsonElement e, string name, string at) =>
        OptionalString(e, name, at) ?? throw Bad($"{at}.{name}", $"{at}.{name} is required.");

    private static string? OptionalString(JsonElement e, string name, string at) =>
        !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw Bad($"{at}.{name}", $"{at}.{name} must be a string.");

    private static void Check(bool ok, string param, string message)
    {
        if (!ok)
        {
            throw Bad(param, message);
        }
    }

    private static CallException Bad(string param, string message) => CallException.BadRequest(message, param);
}
