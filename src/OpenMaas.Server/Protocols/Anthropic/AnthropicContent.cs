using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>One content block as sent: its <c>type</c> and, for <c>text</c> blocks, the text. Other fields
/// (<c>cache_control</c>, <c>citations</c>) are accepted and have no effect here.</summary>
public sealed record AnthropicBlock(string Type, string? Text);

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
            var root = block.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new JsonException("content blocks must be objects with a string 'type'.");
            }

            string? text = null;
            if (type.ValueEquals("text"))
            {
                if (!root.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
                {
                    throw new JsonException("content blocks of type 'text' need a string 'text'.");
                }

                text = t.GetString();
            }

            blocks.Add(new AnthropicBlock(type.GetString()!, text));
        }

        return new AnthropicContent(blocks, false);
    }

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
