using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>A message's <c>content</c>: a string, or an array of typed parts (<c>text</c>, <c>image_url</c>,
/// <c>input_audio</c>; other kinds are kept by name for engines that take them). <see cref="Text"/> joins the text
/// parts; <see cref="Parts"/> is null for a plain string.</summary>
[JsonConverter(typeof(MessageContentConverter))]
public sealed record MessageContent(string Text, IReadOnlyList<ContentPart>? Parts)
{
    public bool HasNonTextParts => Parts?.Any(p => p is not ContentPart.Text) == true;
}

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
            return new MessageContent(reader.GetString()!, null);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("content must be a string or an array of content parts.");
        }

        var text = new StringBuilder();
        var parts = new List<ContentPart>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            var part = doc.RootElement;
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new JsonException("each content part must be an object with a string 'type'.");
            }

            var kind = type.GetString()!;
            ContentPart read = kind switch
            {
                "text" => new ContentPart.Text(String(part, "text") ?? throw new JsonException("a 'text' part needs a string 'text'.")),
                "image_url" => Image(part),
                "input_audio" => Audio(part),
                _ => new ContentPart.Other(kind),
            };
            if (read is ContentPart.Text t)
            {
                text.Append(t.Value);
            }

            parts.Add(read);
        }

        return new MessageContent(text.ToString(), parts);
    }

    private static ContentPart.Image Image(JsonElement part)
    {
        if (part.TryGetProperty("image_url", out var image))
        {
            if (image.ValueKind == JsonValueKind.String)
            {
                return new ContentPart.Image(image.GetString()!);
            }

            if (image.ValueKind == JsonValueKind.Object && String(image, "url") is { Length: > 0 } url)
            {
                return new ContentPart.Image(url, String(image, "detail"));
            }
        }

        throw new JsonException("an 'image_url' part needs 'image_url.url' (an http(s) URL or a data URL).");
    }

    private static ContentPart.Audio Audio(JsonElement part)
    {
        if (part.TryGetProperty("input_audio", out var audio) && audio.ValueKind == JsonValueKind.Object &&
            String(audio, "data") is { Length: > 0 } data && String(audio, "format") is { Length: > 0 } format)
        {
            return new ContentPart.Audio(data, format);
        }

        throw new JsonException("an 'input_audio' part needs 'input_audio.data' (base64) and 'input_audio.format'.");
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Text);
}
