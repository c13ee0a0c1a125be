namespace OpenMaas.Inference.Abstractions;

/// <summary>A loaded text-ranking model (a cross-encoder): scores how relevant each document is to a query, reading
/// both together. Concurrent calls are batched together.</summary>
public interface IRerankModel
{
    string Id { get; }

    /// <summary>The model's token ids of <paramref name="text"/>, without special tokens.</summary>
    IReadOnlyList<int> Tokenize(string text);

    /// <summary>Scores each document against the query, in the documents' order: the head's logit through a sigmoid
    /// (0..1), with the tokens the pair used. Pairs longer than the model takes are truncated. Throws
    /// <see cref="SchedulerFullException"/> when the queue is full.</summary>
    Task<IReadOnlyList<RelevanceScore>> ScoreAsync(IReadOnlyList<int> query, IReadOnlyList<IReadOnlyList<int>> documents, CancellationToken ct);
}

/// <param name="Score">The relevance of the document to the query.</param>
/// <param name="Tokens">Tokens fed to the model for this document, special tokens included.</param>
public readonly record struct RelevanceScore(float Score, int Tokens);
