namespace OpenMaas.Inference.Abstractions;

/// <summary>A loaded text-generation model with its own scheduler.</summary>
public interface ITextGenerationModel
{
    string Id { get; }

    /// <summary>The most tokens one sequence (prompt + completion) may hold.</summary>
    int ContextLength { get; }

    /// <summary>Renders (with the model's chat template, or the documented fallback) and tokenizes a prompt.</summary>
    PreparedPrompt Prepare(PromptInput input);

    /// <summary>
    /// Admits a generation to the model's scheduler and returns its stream. Throws, before anything is streamed,
    /// <see cref="PromptTooLongException"/> when the prompt does not fit the context and
    /// <see cref="SchedulerFullException"/> when the wait queue is full. Cancelling <paramref name="ct"/> (the
    /// client left) stops the sequence and frees its slot at once.
    /// </summary>
    IAsyncEnumerable<GenerationChunk> Generate(PreparedPrompt prompt, SamplingOptions options, CancellationToken ct);
}

/// <summary>A rendered and tokenized prompt, ready for <see cref="ITextGenerationModel.Generate"/>.</summary>
public sealed record PreparedPrompt(string Text, IReadOnlyList<int> Tokens)
{
    public int TokenCount => Tokens.Count;
}
