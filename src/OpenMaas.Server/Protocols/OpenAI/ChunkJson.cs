using System.Security.Cryptography;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>Identity of one completion response: shared by all its chunks.</summary>
public sealed record CompletionIds(string Id, long Created, string Model)
{
    public JsonEncodedText EncodedId { get; } = JsonEncodedText.Encode(Id);

    public JsonEncodedText EncodedModel { get; } = JsonEncodedText.Encode(Model);

    /// <summary>A new id with <paramref name="prefix"/> (<c>chatcmpl-</c>, <c>cmpl-</c>), created now.</summary>
    public static CompletionIds New(string prefix, TimeProvider clock, string model) =>
        new(prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), clock.GetUtcNow().ToUnixTimeSeconds(), model);
}

public static class FinishReasons
{
    public static string ToWire(this FinishReason reason) => reason switch
    {
        FinishReason.Length => "length",
        FinishReason.ToolCalls => "tool_calls",
        _ => "stop",
    };
}

/// <summary>The parts every OpenAI completion chunk shares: header, choice tail, the usage chunk.</summary>
internal static class ChunkJson
{
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Object = JsonEncodedText.Encode("object");
    public static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");
    public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    public static readonly JsonEncodedText Choices = JsonEncodedText.Encode("choices");
    public static readonly JsonEncodedText Index = JsonEncodedText.Encode("index");
    public static readonly JsonEncodedText FinishReason = JsonEncodedText.Encode("finish_reason");
    public static readonly JsonEncodedText Logprobs = JsonEncodedText.Encode("logprobs");
    public static readonly JsonEncodedText Usage = JsonEncodedText.Encode("usage");

    /// <summary>Opens the chunk object, its <c>choices</c> array and the one choice (index 0).</summary>
    public static void WriteOpen(Utf8JsonWriter w, CompletionIds ids, JsonEncodedText objectName)
    {
        WriteHeader(w, ids, objectName);
        w.WriteStartArray(Choices);
        w.WriteStartObject();
        w.WriteNumber(Index, 0);
    }

    /// <summary>Closes what <see cref="WriteOpen"/> opened, with the choice's logprobs and finish reason.</summary>
    public static void WriteClose(Utf8JsonWriter w, FinishReason? finish)
    {
        w.WriteNull(Logprobs);
        if (finish is { } f)
        {
            w.WriteString(FinishReason, f.ToWire());
        }
        else
        {
            w.WriteNull(FinishReason);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The chunk OpenAI sends when stream_options.include_usage is set: empty choices, usage filled.</summary>
    public static void WriteUsageChunk(Utf8JsonWriter w, CompletionIds ids, JsonEncodedText objectName, Usage usage)
    {
        WriteHeader(w, ids, objectName);
        w.WriteStartArray(Choices);
        w.WriteEndArray();
        w.WriteStartObject(Usage);
        w.WriteNumber("prompt_tokens", usage.PromptTokens);
        w.WriteNumber("completion_tokens", usage.CompletionTokens);
        w.WriteNumber("total_tokens", usage.TotalTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Opens the chunk object with its id, object name, creation time and model.</summary>
    private static void WriteHeader(Utf8JsonWriter w, CompletionIds ids, JsonEncodedText objectName)
    {
        w.WriteStartObject();
        w.WriteString(Id, ids.EncodedId);
        w.WriteString(Object, objectName);
        w.WriteNumber(Created, ids.Created);
        w.WriteString(Model, ids.EncodedModel);
    }
}
