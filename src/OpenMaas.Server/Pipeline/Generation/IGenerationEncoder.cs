using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Pipeline.Generation;

/// <summary>
/// One surface's shape of a generation (OpenAI chat, OpenAI completions, Anthropic Messages, the console's playground;
/// a new protocol adds one more). The <see cref="GenerationResponder"/> owns the loop, the flushes, the client leaving
/// and the failures; an encoder only turns neutral parts into its protocol's events (streamed) or its answer object
/// (collected); a failure after the first byte is written by the surface's <see cref="ISurfaceErrorWriter"/>. It is made per call, so it may keep the state its protocol needs (open blocks, the first delta).
/// Every <c>Write…</c> only buffers into the <see cref="SseWriter"/>.
/// </summary>
internal interface IGenerationEncoder
{
    /// <summary>The events that open a stream (Anthropic's <c>message_start</c>, …), before the first chunk's parts.</summary>
    void WriteStart(SseWriter sse, in GenerationChunk first);

    /// <summary>Answer text. The first chunk's text is written even when empty (OpenAI's role-bearing first delta).</summary>
    void WriteText(SseWriter sse, string text);

    /// <summary>Reasoning ("thinking") text, kept apart from the answer.</summary>
    void WriteReasoning(SseWriter sse, string text);

    /// <summary>A fragment of a tool call.</summary>
    void WriteToolCall(SseWriter sse, ToolCallDelta delta);

    /// <summary>The events that end a complete stream: finish reason, usage, the protocol's end marker.</summary>
    void WriteEnd(SseWriter sse, GenerationEnd end);

    /// <summary>The whole answer of a call that did not ask to stream.</summary>
    IResult ToResult(GenerationResult result);
}

/// <summary>How a generation ended.</summary>
/// <param name="Finish">Why it stopped.</param>
/// <param name="StopSequence">The stop string that ended it, if one did.</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="CompletionTokens">Generated tokens.</param>
internal readonly record struct GenerationEnd(FinishReason Finish, string? StopSequence, int PromptTokens, int CompletionTokens)
{
    public static GenerationEnd From(in GenerationChunk last) =>
        new(last.Finish ?? FinishReason.Stop, last.Finish == FinishReason.Length ? null : last.StopSequence, last.PromptTokens, last.CompletionTokens);
}

/// <summary>A collected generation: the answer text, the reasoning, the tool calls (in index order) and the end.</summary>
internal sealed record GenerationResult(string Text, string? Reasoning, IReadOnlyList<ToolCall> ToolCalls, GenerationEnd End);

