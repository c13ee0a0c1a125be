using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Embeddings;

/// <summary>A protocol-neutral embeddings request: texts or token arrays (one kind), every field checked by the
/// wire adapter; <see cref="InputParam"/> names the wire field later 400s blame.</summary>
public sealed record EmbeddingRequest : IInferenceRequest
{
    /// <inheritdoc/>
    public required string Model { get; init; }

    /// <inheritdoc/>
    public required CallEndpoint Endpoint { get; init; }

    public required IReadOnlyList<EmbeddingInput> Inputs { get; init; }

    /// <summary>The vector length asked for; null means the model's.</summary>
    public int? Dimensions { get; init; }

    public string InputParam { get; init; } = "input";

    /// <summary>Vectors are written as base64 of little-endian floats rather than JSON numbers.</summary>
    public bool Base64 { get; init; }

    /// <summary>The request as the client sent it (OpenAI's shape): a model served by engines gets it as is.</summary>
    public PassThroughRequest? PassThrough { get; init; }
}

/// <summary>One input: text, or the model's token ids (without special tokens).</summary>
public sealed record EmbeddingInput(string? Text, int[]? Tokens);

/// <summary>What an admitted embeddings call runs on: a local model with every input's tokens, or upstream engines.</summary>
public abstract record PreparedEmbedding
{
    private PreparedEmbedding()
    {
    }

    /// <summary>The loaded model and every input's tokens (truncation happens in the model).</summary>
    public sealed record Local(Inference.Abstractions.IEmbeddingModel Model, IReadOnlyList<IReadOnlyList<int>> Tokens) : PreparedEmbedding;

    /// <summary>A model served by upstream engines: they tokenize, check and count; the request passes through.</summary>
    public sealed record PassThrough(PassThroughRequest Request) : PreparedEmbedding;
}
