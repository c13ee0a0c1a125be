namespace OpenMaas.Inference.Abstractions;

public enum FinishReason
{
    /// <summary>End of generation token or a stop string.</summary>
    Stop,

    /// <summary>max_tokens reached (or the context is full).</summary>
    Length,

    /// <summary>The model ended its turn by calling one or more tools.</summary>
    ToolCalls,
}

/// <summary>
/// One step of a generation, as every runtime hands it to the responder. <see cref="Text"/> is answer text;
/// <see cref="Reasoning"/> (a model's "thinking") and <see cref="ToolCall"/> (a fragment of a tool call) are kept apart
/// so each protocol maps them to its own parts. The last chunk of a stream has <see cref="Finish"/> set (its text may be
/// empty) and the final token counts; when a stop string ended it, <see cref="StopSequence"/> names which.
/// </summary>
public readonly record struct GenerationChunk(string Text, FinishReason? Finish, int PromptTokens, int CompletionTokens, string? StopSequence = null)
{
    /// <summary>Reasoning text generated in this step, or null.</summary>
    public string? Reasoning { get; init; }

    /// <summary>A fragment of a tool call generated in this step, or null.</summary>
    public ToolCallDelta? ToolCall { get; init; }
}

/// <summary>A fragment of one tool call: the first fragment of a call names its <see cref="Id"/> and
/// <see cref="Name"/>; later ones of the same <see cref="Index"/> add to its JSON <see cref="Arguments"/>.</summary>
/// <param name="Index">Which call of the answer (0, 1, … for parallel calls).</param>
/// <param name="Id">The call's id (first fragment only).</param>
/// <param name="Name">The function's name (first fragment only).</param>
/// <param name="Arguments">A piece of the arguments' JSON text.</param>
public sealed record ToolCallDelta(int Index, string? Id, string? Name, string? Arguments);
