using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>Checks a Messages API request the way Anthropic does and maps it to the core's types. Every refusal is a
/// 400 <see cref="CallException"/> (<c>invalid_request_error</c> on this surface) with the path of the field in its
/// message, so it is decided before the model is resolved or the call admitted.</summary>
public static class MessagesValidation
{
    public const int MaxStopSequences = 16;
    public const int MaxUserIdLength = 256;

    /// <summary>The validated call: the conversation, the sampling settings (<c>max_tokens</c> as asked; the runner
    /// bounds it by the model's context) and whether to stream.</summary>
    public sealed record Validated(string Model, PromptInput.Chat Prompt, SamplingOptions Sampling, bool Stream);

    public static Validated Validate(this MessagesRequest r)
    {
        var model = RequireModel(r.Model);
        if (r.MaxTokens is null)
        {
            throw CallException.BadRequest("max_tokens: Field required");
        }

        Check(r.MaxTokens >= 1, $"max_tokens: must be at least 1 (got {r.MaxTokens})");
        Check(r.Temperature is null or (>= 0 and <= 1), $"temperature: must be between 0 and 1 (got {r.Temperature})");
        Check(r.TopP is null or (> 0 and <= 1), $"top_p: must be greater than 0 and at most 1 (got {r.TopP})");
        Check(r.TopK is null or >= 0, $"top_k: must be 0 or more (got {r.TopK})");
        Check(r.Metadata?.UserId is null || r.Metadata.UserId.Length <= MaxUserIdLength, $"metadata.user_id: at most {MaxUserIdLength} characters");
        RejectUnsupported(r.Tools, r.ToolChoice, r.Thinking);
        var stops = StopSequences(r.StopSequences);
        var prompt = ToPrompt(r.System, r.Messages);
        return new Validated(model, prompt, new SamplingOptions
        {
            MaxTokens = r.MaxTokens.Value,
            Temperature = r.Temperature ?? 1f, // Anthropic's default
            TopP = r.TopP ?? 1f,
            TopK = r.TopK ?? 0,
            Stop = stops,
        }, r.Stream == true);
    }

    /// <summary>count_tokens: the same conversation checks, nothing to generate.</summary>
    public static (string Model, PromptInput.Chat Prompt) Validate(this CountTokensRequest r)
    {
        var model = RequireModel(r.Model);
        RejectUnsupported(r.Tools, null, r.Thinking);
        return (model, ToPrompt(r.System, r.Messages));
    }

    private static string RequireModel(string? model) =>
        string.IsNullOrWhiteSpace(model) ? throw CallException.BadRequest("model: Field required") : model;

    private static PromptInput.Chat ToPrompt(AnthropicContent? system, IReadOnlyList<AnthropicMessage?>? messages)
    {
        if (messages is null)
        {
            throw CallException.BadRequest("messages: Field required");
        }

        if (messages.Count == 0)
        {
            throw CallException.BadRequest("messages: at least one message is required");
        }

        var chat = new List<ChatMessage>(messages.Count + 1);
        if (system is not null)
        {
            var text = Text(system, "system", allowEmpty: true);
            if (text.Length > 0)
            {
                chat.Add(new ChatMessage("system", text));
            }
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var path = $"messages.{i}";
            var m = messages[i] ?? throw CallException.BadRequest($"{path}: must be an object");
            if (m.Role is null)
            {
                throw CallException.BadRequest($"{path}.role: Field required");
            }

            if (m.Role is not ("user" or "assistant"))
            {
                throw CallException.BadRequest(m.Role == "system"
                    ? $"{path}.role: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role."
                    : $"{path}.role: Input should be 'user' or 'assistant' (got '{m.Role}')");
            }

            if (m.Content is null)
            {
                throw CallException.BadRequest($"{path}.content: Field required");
            }

            chat.Add(new ChatMessage(m.Role, Text(m.Content, $"{path}.content", allowEmpty: false)));
        }

        return new PromptInput.Chat(chat);
    }

    /// <summary>The text of a content value: its text blocks joined; any other block is refused by name.</summary>
    private static string Text(AnthropicContent content, string path, bool allowEmpty)
    {
        if (content.IsString)
        {
            var single = content.Blocks[0].Text!;
            Check(allowEmpty || single.Length > 0, $"{path}: must not be empty");
            return single;
        }

        Check(allowEmpty || content.Blocks.Count > 0, $"{path}: must contain at least one content block");
        var text = new StringBuilder();
        for (var b = 0; b < content.Blocks.Count; b++)
        {
            var block = content.Blocks[b];
            if (block.Type != "text")
            {
                throw CallException.BadRequest($"{path}.{b}: {Unsupported(block.Type)}");
            }

            Check(block.Text!.Length > 0, $"{path}.{b}.text: text content blocks must be non-empty");
            text.Append(block.Text);
        }

        return text.ToString();
    }

    private static string Unsupported(string type) => type switch
    {
        "image" or "document" => $"'{type}' blocks are not supported: the models served here take text only.",
        "tool_use" or "tool_result" or "server_tool_use" or "web_search_tool_result" =>
            $"'{type}' blocks are not supported: tool use needs a model with a tool template, and the models served here have none.",
        "thinking" or "redacted_thinking" => $"'{type}' blocks are not supported: extended thinking is not available here.",
        _ => $"unknown content block type '{type}': expected 'text'.",
    };

    private static void RejectUnsupported(JsonElement? tools, JsonElement? toolChoice, JsonElement? thinking)
    {
        if (tools is { ValueKind: JsonValueKind.Array } t && t.GetArrayLength() > 0)
        {
            throw CallException.BadRequest("tools: tool use is not supported: the models served here have no tool template.");
        }

        if (toolChoice is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            && !type.ValueEquals("none") && !type.ValueEquals("auto"))
        {
            throw CallException.BadRequest("tool_choice: tool use is not supported: the models served here have no tool template.");
        }

        if (thinking is { ValueKind: JsonValueKind.Object } k && k.TryGetProperty("type", out var mode) && !mode.ValueEquals("disabled"))
        {
            throw CallException.BadRequest("thinking: extended thinking is not supported by the models served here.");
        }
    }

    private static IReadOnlyList<string> StopSequences(IReadOnlyList<string?>? stops)
    {
        if (stops is null)
        {
            return [];
        }

        Check(stops.Count <= MaxStopSequences, $"stop_sequences: at most {MaxStopSequences} sequences");
        for (var i = 0; i < stops.Count; i++)
        {
            Check(!string.IsNullOrEmpty(stops[i]), $"stop_sequences.{i}: must be a non-empty string");
        }

        return [.. stops!];
    }

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw CallException.BadRequest(message);
        }
    }
}
