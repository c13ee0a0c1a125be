using System.Text.Json;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.OpenAI;

/// <summary><c>text_completion</c> (streamed chunks use the same object name, as OpenAI does).</summary>
public sealed class TextFormat : ICompletionFormat
{
    public static readonly TextFormat Instance = new();
    public static readonly JsonEncodedText ObjectName = JsonEncodedText.Encode("text_completion");
    private static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");

    public string PromptParam => "prompt";

    public JsonEncodedText ChunkObjectName => ObjectName;

    public string IdPrefix => "cmpl-";

    public void WriteChunk(Utf8JsonWriter w, CompletionIds ids, string? text, bool first, FinishReason? finish)
    {
        ChunkJson.WriteHeader(w, ids, ObjectName);
        w.WriteStartArray(ChunkJson.Choices);
        w.WriteStartObject();
        w.WriteNumber(ChunkJson.Index, 0);
        w.WriteString(Text, text ?? string.Empty);
        ChunkJson.WriteChoiceTail(w, finish);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public IResult ToResult(CompletionIds ids, string text, FinishReason finish, Usage usage) =>
        TypedResults.Json(new TextCompletion(ids.Id, ids.Created, ids.Model, [new TextChoice(0, text, finish.ToWire())], usage),
            OpenAIJson.Default.TextCompletion);
}
