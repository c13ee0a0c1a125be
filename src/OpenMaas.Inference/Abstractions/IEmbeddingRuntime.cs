namespace OpenMaas.Inference.Abstractions;

/// <summary>A runtime of sentence-embedding models (ONNX Runtime for BERT-family encoders).</summary>
public interface IEmbeddingRuntime : IModelRuntime<IEmbeddingModel>;

/// <summary>A loaded sentence-embedding model; concurrent calls are batched together.</summary>
public interface IEmbeddingModel
{
    string Id { get; }

    /// <summary>Length of each vector.</summary>
    int Dimensions { get; }

    /// <summary>The most tokens one input may have (special tokens excluded); longer inputs are truncated.</summary>
    int MaxInputTokens { get; }

    /// <summary>Highest valid token id + 1 (for validating token-array inputs).</summary>
    int VocabularySize { get; }

    /// <summary>The model's token ids of <paramref name="text"/>, without special tokens.</summary>
    IReadOnlyList<int> Tokenize(string text);

    /// <summary>Embeds token sequences (truncated to <see cref="MaxInputTokens"/>): one L2-normalised vector each,
    /// with the tokens actually used. Throws <see cref="SchedulerFullException"/> when the queue is full.</summary>
    Task<IReadOnlyList<Embedding>> EmbedAsync(IReadOnlyList<IReadOnlyList<int>> inputs, CancellationToken ct);
}

/// <param name="Vector">The L2-normalised embedding.</param>
/// <param name="Tokens">Tokens fed to the model for this input, special tokens included.</param>
public sealed record Embedding(float[] Vector, int Tokens);
