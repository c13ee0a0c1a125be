using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>The text-completion <c>prompt</c>: a string, or an array of strings (only a batch of one is served).</summary>
[JsonConverter(typeof(PromptTextConverter))]
public sealed record PromptText(IReadOnlyList<string> Values);

internal sealed class PromptTextConverter : JsonConverter<PromptText>
{
    private const string Shape = "prompt must be a string or an array of strings.";

    public override PromptText? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return new PromptText([reader.GetString()!]);
            case JsonTokenType.StartArray:
                var list = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException(Shape));
                }

                return new PromptText(list);
            default:
                throw new JsonException(Shape);
        }
    }

    public override void Write(Utf8JsonWriter writer, PromptText value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var s in value.Values)
        {
            writer.WriteStringValue(s);
        }

        writer.WriteEndArray();
    }
}
