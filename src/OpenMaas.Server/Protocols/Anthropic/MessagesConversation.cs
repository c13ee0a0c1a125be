using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>
/// Maps a Messages API conversation to neutral chat messages, as an OpenAI chat carries it: a user turn's
/// <c>tool_result</c> blocks become <c>tool</c> messages (in order, before the turn's other blocks; an error result's
/// text is prefixed "Error: ", since OpenAI's tool message has no error flag; a result's images follow in a user
/// message), <c>image</c> blocks become image parts (base64 as a data URL), an assistant's <c>tool_use</c> blocks its
/// tool calls, and its <c>thinking</c> blocks are dropped (an engine does not take earlier reasoning back).
/// </summary>
internal static class MessagesConversation
{
    public static PromptInput.Chat ToPrompt(AnthropicContent? system, IReadOnlyList<AnthropicMessage?>? messages)
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
            var text = SystemText(system);
            if (text.Length > 0)
            {
                chat.Add(new ChatMessage("system", text) { Path = "system" });
            }
        }

        var callIds = new HashSet<string>(StringComparer.Ordinal);
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

            if (m.Content.IsString)
            {
                Check(m.Content.Blocks[0].Text!.Length > 0, $"{path}.content: must not be empty");
                chat.Add(new ChatMessage(m.Role, m.Content.Blocks[0].Text!) { Path = path });
                continue;
            }

            Check(m.Content.Blocks.Count > 0, $"{path}.content: must contain at least one content block");
            if (m.Role == "assistant")
            {
                chat.Add(Assistant(m.Content, $"{path}.content", callIds) with { Path = path });
            }
            else
            {
                chat.AddRange(User(m.Content, $"{path}.content", callIds, path));
            }
        }

        return new PromptInput.Chat(chat);
    }

    private static string SystemText(AnthropicContent system)
    {
        var text = new StringBuilder();
        for (var b = 0; b < system.Blocks.Count; b++)
        {
            var block = system.Blocks[b];
            Check(block.Type == "text", $"system.{b}: only 'text' blocks are allowed in the system prompt (got '{block.Type}')");
            text.Append(block.Text);
        }

        return text.ToString();
    }

    private static ChatMessage Assistant(AnthropicContent content, string path, HashSet<string> callIds)
    {
        var text = new StringBuilder();
        var calls = new List<ToolCall>();
        for (var b = 0; b < content.Blocks.Count; b++)
        {
            var block = content.Blocks[b];
            switch (block.Type)
            {
                case "text":
                    text.Append(block.Text);
                    break;
                case "thinking" or "redacted_thinking":
                    break;
                case "tool_use":
                    Check(!string.IsNullOrEmpty(block.Id), $"{path}.{b}.id: Field required");
                    Check(!string.IsNullOrEmpty(block.Name), $"{path}.{b}.name: Field required");
                    Check(block.Input is { ValueKind: JsonValueKind.Object }, $"{path}.{b}.input: must be an object");
                    calls.Add(new ToolCall(block.Id!, block.Name!, block.Input!.Value.GetRawText()));
                    callIds.Add(block.Id!);
                    break;
                default:
                    throw CallException.BadRequest($"{path}.{b}: '{block.Type}' blocks are not allowed in an assistant message here.");
            }
        }

        return new ChatMessage("assistant", text.ToString()) { ToolCalls = calls.Count > 0 ? calls : null };
    }

    private static IEnumerable<ChatMessage> User(AnthropicContent content, string path, HashSet<string> callIds, string messagePath)
    {
        var results = new List<ChatMessage>();
        var parts = new List<ContentPart>();
        for (var b = 0; b < content.Blocks.Count; b++)
        {
            var block = content.Blocks[b];
            switch (block.Type)
            {
                case "text":
                    Check(block.Text!.Length > 0, $"{path}.{b}.text: text content blocks must be non-empty");
                    parts.Add(new ContentPart.Text(block.Text));
                    break;
                case "image":
                    parts.Add(Image(block, $"{path}.{b}"));
                    break;
                case "tool_result":
                    Check(!string.IsNullOrEmpty(block.ToolUseId), $"{path}.{b}.tool_use_id: Field required");
                    Check(callIds.Contains(block.ToolUseId!),
                        $"{path}.{b}.tool_use_id: unexpected tool_use_id '{block.ToolUseId}': it answers no tool_use block of an earlier assistant message");
                    results.Add(ToolResult(block, $"{path}.{b}", parts) with { Path = messagePath });
                    break;
                default:
                    throw CallException.BadRequest($"{path}.{b}: {Unsupported(block.Type)}");
            }
        }

        foreach (var result in results)
        {
            yield return result;
        }

        if (parts.Count > 0)
        {
            var text = string.Concat(parts.OfType<ContentPart.Text>().Select(t => t.Value));
            yield return new ChatMessage("user", text) { Parts = parts.All(p => p is ContentPart.Text) ? null : parts, Path = messagePath };
        }
    }

    private static ChatMessage ToolResult(AnthropicBlock block, string path, List<ContentPart> images)
    {
        var text = new StringBuilder();
        if (block.Content is { } content)
        {
            for (var c = 0; c < content.Blocks.Count; c++)
            {
                var inner = content.Blocks[c];
                switch (inner.Type)
                {
                    case "text":
                        text.Append(inner.Text);
                        break;
                    case "image":
                        images.Add(Image(inner, $"{path}.content.{c}"));
                        break;
                    default:
                        throw CallException.BadRequest($"{path}.content.{c}: a tool_result holds 'text' and 'image' blocks (got '{inner.Type}')");
                }
            }
        }

        var result = block.IsError ? "Error: " + text : text.ToString();
        return new ChatMessage("tool", result) { ToolCallId = block.ToolUseId, IsError = block.IsError };
    }

    private static ContentPart.Image Image(AnthropicBlock block, string path)
    {
        if (block.Source is not { ValueKind: JsonValueKind.Object } source || !source.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw CallException.BadRequest($"{path}.source: Field required");
        }

        if (type.ValueEquals("url"))
        {
            var url = Str(source, "url");
            Check(url is not null && (url.StartsWith("http://", StringComparison.Ordinal) || url.StartsWith("https://", StringComparison.Ordinal)),
                $"{path}.source.url: must be an http(s) URL");
            return new ContentPart.Image(url!);
        }

        if (type.ValueEquals("base64"))
        {
            var media = Str(source, "media_type");
            Check(media is "image/jpeg" or "image/png" or "image/gif" or "image/webp",
                $"{path}.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
            var data = Str(source, "data");
            Check(!string.IsNullOrEmpty(data), $"{path}.source.data: Field required");
            return new ContentPart.Image($"data:{media};base64,{data}");
        }

        throw CallException.BadRequest($"{path}.source.type: Input should be 'base64' or 'url'");
    }

    private static string Unsupported(string type) => type switch
    {
        "document" => "'document' blocks are not supported here.",
        "tool_use" or "thinking" or "redacted_thinking" => $"'{type}' blocks belong in assistant messages.",
        "server_tool_use" or "web_search_tool_result" => $"'{type}' blocks are not supported: OpenMaaS runs no server tools.",
        _ => $"unknown content block type '{type}'.",
    };

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw CallException.BadRequest(message);
        }
    }
}
