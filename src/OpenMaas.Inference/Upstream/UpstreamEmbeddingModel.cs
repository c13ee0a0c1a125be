namespace OpenMaas.Inference.Upstream;

/// <summary>
/// A model whose embeddings come from upstream engines. The engine tokenizes, checks <c>dimensions</c> and counts the
/// tokens (its usage is recorded), so nothing about the model is known here: the OpenAI surface passes the request
/// and the answer through as bytes.
/// </summary>
public sealed class UpstreamEmbeddingModel(string id)
{
    /// <summary>The tasks an engine's <c>/v1/embeddings</c> serves.</summary>
    public static bool IsEmbeddingTask(string task) => task is "sentence-embedding" or "feature-extraction";

    public string Id { get; } = id;
}
