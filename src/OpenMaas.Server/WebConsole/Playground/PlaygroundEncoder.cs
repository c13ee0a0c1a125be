using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.WebConsole.Playground;

/// <summary>The console playground's stream: <c>data: {"text":…}</c> events (reasoning as <c>{"reasoning":…}</c>),
/// then one with the finish reason and the token counts. It always streams; collected, it answers that last event.</summary>
internal sealed class PlaygroundEncoder : IGenerationEncoder
{
    public void WriteStart(SseWriter sse, in GenerationChunk first)
    {
    }

    public void WriteText(SseWriter sse, string text)
    {
        if (text.Length > 0)
        {
            sse.Data(new PlaygroundEvent { Text = text }, WriteEvent);
        }
    }

    public void WriteReasoning(SseWriter sse, string text) => sse.Data(new PlaygroundEvent { Reasoning = text }, WriteEvent);

    public void WriteToolCall(SseWriter sse, ToolCallDelta delta)
    {
    }

    public void WriteEnd(SseWriter sse, GenerationEnd end) => sse.Data(Last(end), WriteEvent);

    public IResult ToResult(GenerationResult result) => TypedResults.Json(Last(result.End) with { Text = result.Text }, PlaygroundJson.Default.PlaygroundEvent);

    public static void WriteEvent(Utf8JsonWriter writer, PlaygroundEvent e) => JsonSerializer.Serialize(writer, e, PlaygroundJson.Default.PlaygroundEvent);

    private static PlaygroundEvent Last(GenerationEnd end) => new()
    {
        Finish = end.Finish == FinishReason.Length ? "length" : "stop",
        PromptTokens = end.PromptTokens,
        CompletionTokens = end.CompletionTokens,
    };
}
