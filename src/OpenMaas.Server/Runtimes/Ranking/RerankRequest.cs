using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Ranking;

/// <summary>A protocol-neutral rerank call: a query and the documents to order by relevance to it, every field checked
/// by the wire adapter (the document limit, which is the server's, by the preparer).</summary>
public sealed record RerankRequest : IInferenceRequest
{
    /// <inheritdoc/>
    public required string Model { get; init; }

    /// <inheritdoc/>
    public required CallEndpoint Endpoint { get; init; }

    public required string Query { get; init; }

    public required IReadOnlyList<string> Documents { get; init; }

    /// <summary>How many results to return, best first; all when null.</summary>
    public int? TopN { get; init; }

    /// <summary>Each result carries its document's text.</summary>
    public bool ReturnDocuments { get; init; }

    /// <summary>The wire field later 400s about the documents blame.</summary>
    public string DocumentsParam { get; init; } = "documents";

    /// <summary>The request as the client sent it (OpenAI's surface): a model served by engines gets it as is.</summary>
    public PassThroughRequest? PassThrough { get; init; }
}

/// <summary>What an admitted rerank call runs on.</summary>
public abstract record PreparedRerank
{
    private PreparedRerank()
    {
    }

    /// <summary>The Model ID (for errors).</summary>
    public string ModelId { get; init; } = string.Empty;

    /// <summary>A sentence-embedding model: the query and each document are embedded, and a document's score is the
    /// cosine of its vector with the query's (vectors are L2-normalised, so the dot product).</summary>
    public sealed record Cosine(IEmbeddingModel Model, IReadOnlyList<int> Query, IReadOnlyList<IReadOnlyList<int>> Documents) : PreparedRerank;

    /// <summary>A cross-encoder (task <c>text-ranking</c>): each pair scored by the model.</summary>
    public sealed record CrossEncoder(IRerankModel Model, IReadOnlyList<int> Query, IReadOnlyList<IReadOnlyList<int>> Documents) : PreparedRerank;

    /// <summary>A model served by engines, for a surface whose shape is not the engine's (the task API): the typed path.</summary>
    internal sealed record Engine(Engines.EngineRerank Engines, string Query, IReadOnlyList<string> Documents) : PreparedRerank;

    /// <summary>A model served by engines: the request passes through, their scores come back unchanged.</summary>
    public sealed record PassThrough(PassThroughRequest Request) : PreparedRerank;
}

/// <param name="Scores">One score per document, in the documents' order.</param>
/// <param name="Tokens">Tokens the model read.</param>
public sealed record RerankScores(IReadOnlyList<float> Scores, int Tokens);
