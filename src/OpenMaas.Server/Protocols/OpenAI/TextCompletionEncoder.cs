using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>
/// OpenAI (legacy) text completions: <c>text_completion</c> events with <c>text</c>, a last one with the finish
/// reason, the usage chunk when asked for, <c>[DONE]</c>; collected, one <c>text_completion</c>. Reasoning and tool
/// calls have no place in this shape and are not written.
/// </summary>
internal sealed class TextCompletionEncoder(CompletionIds ids, bool includeUsage) : IGenerationEncoder
{
    public static readonly JsonEncodedText ObjectName = JsonEncodedText.Encode("text_completion");
    private static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");

    public void WriteStart(SseWriter sse, in GenerationChunk first)
    {
    }

    public void WriteText(SseWriter sse, string text) => Write(sse, ids, text, null);

    public void WriteReasoning(SseWriter sse, string text)
    {
    }

    public void WriteToolCall(SseWriter sse, ToolCallDelta delta)
    {
    }

    public void WriteEnd(SseWriter sse, GenerationEnd end)
    {
        Write(sse, ids, string.Empty, end.Finish);
        if (includeUsage)
        {
            sse.Data((ids, Usage: new Usage(end.PromptTokens, end.CompletionTokens)), static (w, s) => ChunkJson.WriteUsageChunk(w, s.ids, ObjectName, s.Usage));
        }

        sse.Done();
    }

    public IResult ToResult(GenerationResult result) =>
        TypedResults.Json(
            new TextCompletion(ids.Id, ids.Created, ids.Model, [new TextChoice(0, result.Text, result.End.Finish.ToWire())], new Usage(result.End.PromptTokens, result.End.CompletionTokens)),
            OpenAIJson.Default.TextCompletion);

    private static void Write(SseWriter sse, CompletionIds ids, string text, FinishReason? finish) =>
        sse.Data((ids, text, finish), static (w, s) =>
        {
            ChunkJson.WriteOpen(w, s.ids, ObjectName);
            w.WriteString(Text, s.text);
            ChunkJson.WriteClose(w, s.finish);
        });
}
