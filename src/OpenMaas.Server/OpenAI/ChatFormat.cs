using System.Text.Json;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.OpenAI;

/// <summary><c>chat.completion</c> / <c>chat.completion.chunk</c>.</summary>
public sealed class ChatFormat : ICompletionFormat
{
    public static readonly ChatFormat Instance = new();
    public static readonly JsonEncodedText ChunkObject = JsonEncodedText.Encode("chat.completion.chunk");
    private static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta");
    private static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");

    public string PromptParam => "messages";

    public JsonEncodedText ChunkObjectName => ChunkObject;

    public string IdPrefix => "chatcmpl-";

    public void WriteChunk(Utf8JsonWriter w, CompletionIds ids, string? text, bool first, FinishReason? finish)
    {
        ChunkJson.WriteHeader(w, ids, ChunkObject);
        w.WriteStartArray(ChunkJson.Choices);
        w.WriteStartObject();
        w.WriteNumber(ChunkJson.Index, 0);
        w.WriteStartObject(Delta);
        if (first)
        {
            w.WriteString(Role, "assistant");
        }

        if (text is not null)
        {
            w.WriteString(Content, text);
        }

        w.WriteEndObject();
        ChunkJson.WriteChoiceTail(w, finish);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public IResult ToResult(CompletionIds ids, string text, FinishReason finish, Usage usage) =>
        TypedResults.Json(
            new ChatCompletion(ids.Id, ids.Created, ids.Model, [new ChatChoice(0, new AssistantMessage(text), finish.ToWire())], usage),
            OpenAIJson.Default.ChatCompletion);
}
