namespace OpenMaas.Inference.Abstractions;

public enum FinishReason
{
    /// <summary>End of generation token or a stop string.</summary>
    Stop,

    /// <summary>max_tokens reached (or the context is full).</summary>
    Length,
}

/// <summary>A piece of generated text. The last chunk of a stream has <see cref="Finish"/> set (its text may be
/// empty) and the final token counts; when a stop string ended it, <see cref="StopSequence"/> names which.</summary>
public readonly record struct GenerationChunk(string Text, FinishReason? Finish, int PromptTokens, int CompletionTokens, string? StopSequence = null);
