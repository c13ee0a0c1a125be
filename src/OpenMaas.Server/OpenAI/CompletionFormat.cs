using System.Text.Json;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.OpenAI;

/// <summary>Identity of one completion response: shared by all its chunks.</summary>
public sealed record CompletionIds(string Id, long Created, string Model)
{
    public JsonEncodedText EncodedId { get; } = JsonEncodedText.Encode(Id);

    public JsonEncodedText EncodedModel { get; } = JsonEncodedText.Encode(Model);
}

/// <summary>The wire shape of chat vs text completions; the generation loop is shared.</summary>
public interface ICompletionFormat
{
    string IdPrefix { get; }

    /// <summary>The <c>object</c> of streamed chunks (the usage chunk too).</summary>
    JsonEncodedText ChunkObjectName { get; }

    /// <summary>The request field an over-long prompt is blamed on.</summary>
    string PromptParam { get; }

    /// <summary>Writes one streamed chunk. <paramref name="text"/> null with <paramref name="finish"/> set is the final chunk.</summary>
    void WriteChunk(Utf8JsonWriter w, CompletionIds ids, string? text, bool first, FinishReason? finish);

    /// <summary>The non-streamed answer.</summary>
    IResult ToResult(CompletionIds ids, string text, FinishReason finish, Usage usage);
}

public static class FinishReasons
{
    public static string ToWire(this FinishReason reason) => reason == FinishReason.Length ? "length" : "stop";
}

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

    public static void WriteHeader(Utf8JsonWriter w, CompletionIds ids, JsonEncodedText objectName)
    {
        w.WriteStartObject();
        w.WriteString(Id, ids.EncodedId);
        w.WriteString(Object, objectName);
        w.WriteNumber(Created, ids.Created);
        w.WriteString(Model, ids.EncodedModel);
    }

    public static void WriteChoiceTail(Utf8JsonWriter w, FinishReason? finish)
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
}
