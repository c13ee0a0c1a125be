using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>One content block as sent: its <c>type</c> and the fields of that type — <c>text</c>; <c>image</c>
/// (<see cref="Source"/>); <c>tool_use</c> (<see cref="Id"/>, <see cref="Name"/>, <see cref="Input"/>);
/// <c>tool_result</c> (<see cref="ToolUseId"/>, <see cref="Content"/>, <see cref="IsError"/>); <c>thinking</c>
/// (<see cref="Text"/> holds the thinking). Other fields (<c>cache_control</c>, <c>citations</c>, <c>signature</c>) are
/// accepted and have no effect here.</summary>
public sealed record AnthropicBlock(string Type, string? Text)
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary>A <c>tool_use</c> block's input (a JSON object), as sent.</summary>
    public JsonElement? Input { get; init; }

    public string? ToolUseId { get; init; }

    /// <summary>A <c>tool_result</c> block's content (a string or text and image blocks).</summary>
    public AnthropicContent? Content { get; init; }

    public bool IsError { get; init; }

    /// <summary>An <c>image</c> block's source: <c>{"type":"base64","media_type","data"}</c> or <c>{"type":"url","url"}</c>.</summary>
    public JsonElement? Source { get; init; }
}

/// <summary>A message's (or the system prompt's) <c>content</c>: a string, or an array of content blocks. A string is
/// read as one text block.</summary>
[JsonConverter(typeof(AnthropicContentConverter))]
public sealed record AnthropicContent(IReadOnlyList<AnthropicBlock> Blocks, bool IsString)
{
    public static AnthropicContent Of(string text) => new([new AnthropicBlock("text", text)], true);
}

internal sealed class AnthropicContentConverter : JsonConverter<AnthropicContent>
{
    public override AnthropicContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            return AnthropicContent.Of(reader.GetString()!);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("content must be a string or an array of content blocks.");
        }

        var blocks = new List<AnthropicBlock>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            using var block = JsonDocument.ParseValue(ref reader);
            blocks.Add(Block(block.RootElement));
        }

        return new AnthropicContent(blocks, false);
    }

    private static AnthropicBlock Block(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw new JsonException("content blocks must be objects with a string 'type'.");
        }

        var kind = type.GetString()!;
        switch (kind)
        {
            case "text":
                return new AnthropicBlock(kind, String(root, "text") ?? throw new JsonException("content blocks of type 'text' need a string 'text'."));
            case "thinking":
                return new AnthropicBlock(kind, String(root, "thinking") ?? string.Empty);
            case "image":
                return new AnthropicBlock(kind, null) { Source = root.TryGetProperty("source", out var s) ? s.Clone() : null };
            case "tool_use":
                return new AnthropicBlock(kind, null)
                {
                    Id = String(root, "id"),
                    Name = String(root, "name"),
                    Input = root.TryGetProperty("input", out var input) ? input.Clone() : null,
                };
            case "tool_result":
                AnthropicContent? content = null;
                if (root.TryGetProperty("content", out var c))
                {
                    content = c.ValueKind switch
                    {
                        JsonValueKind.String => AnthropicContent.Of(c.GetString()!),
                        JsonValueKind.Array => new AnthropicContent([.. c.EnumerateArray().Select(Block)], false),
                        JsonValueKind.Null => null,
                        _ => throw new JsonException("a tool_result's content must be a string or an array of content blocks."),
                    };
                }

                return new AnthropicBlock(kind, null)
                {
                    ToolUseId = String(root, "tool_use_id"),
                    Content = content,
                    IsError = root.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True,
                };
            default:
                return new AnthropicBlock(kind, null);
        }
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public override void Write(Utf8JsonWriter writer, AnthropicContent value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var block in value.Blocks)
        {
            writer.WriteStartObject();
            writer.WriteString("type", block.Type);
            if (block.Text is not null)
            {
                writer.WriteString("text", block.Text);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
