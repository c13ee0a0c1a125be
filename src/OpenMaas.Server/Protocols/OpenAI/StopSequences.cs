using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>OpenAI's <c>stop</c>: a string or a list of up to 4 strings (we allow 16).</summary>
[JsonConverter(typeof(StopSequencesConverter))]
public sealed record StopSequences(IReadOnlyList<string> Values);

internal sealed class StopSequencesConverter : JsonConverter<StopSequences>
{
    public override StopSequences? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return new StopSequences([reader.GetString()!]);
            case JsonTokenType.StartArray:
                var list = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new JsonException("stop must be a string or an array of strings.");
                    }

                    list.Add(reader.GetString()!);
                }

                return new StopSequences(list);
            default:
                throw new JsonException("stop must be a string or an array of strings.");
        }
    }

    public override void Write(Utf8JsonWriter writer, StopSequences value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var s in value.Values)
        {
            writer.WriteStringValue(s);
        }

        writer.WriteEndArray();
    }
}
