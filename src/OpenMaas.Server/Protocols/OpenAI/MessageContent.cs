using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>A message's <c>content</c>: a string, or an array of parts of which the <c>text</c> parts are joined
/// (what Cherry Studio and the SDKs send for multi-part messages). Image/audio parts are rejected by validation.</summary>
[JsonConverter(typeof(MessageContentConverter))]
public sealed record MessageContent(string Text, bool HasNonTextParts);

internal sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            return new MessageContent(reader.GetString()!, false);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("content must be a string or an array of content parts.");
        }

        var text = new StringBuilder();
        var nonText = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            using var part = JsonDocument.ParseValue(ref reader);
            if (part.RootElement.ValueKind != JsonValueKind.Object ||
                !part.RootElement.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new JsonException("each content part must be an object with a string 'type'.");
            }

            if (type.ValueEquals("text") && part.RootElement.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            {
                text.Append(t.GetString());
            }
            else
            {
                nonText = true;
            }
        }

        return new MessageContent(text.ToString(), nonText);
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Text);
}
