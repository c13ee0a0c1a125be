namespace OpenMaas.Inference.Upstream;

/// <summary>
/// Which API a deployment speaks (setting <c>Upstreams:Models:{id}:Deployments:{i}:Api</c>). Nearly every engine speaks
/// OpenAI's (with the Jina/Cohere <c>/rerank</c> of vLLM, Xinference and Infinity); Hugging Face's Text Embeddings
/// Inference ranks in its own shape at its root (<c>POST /rerank</c> <c>{query, texts}</c> →
/// <c>[{index, score}]</c>) and answers health at <c>/health</c>.
/// </summary>
public static class UpstreamApis
{
    /// <summary>OpenAI's API under the base URL (the default).</summary>
    public const string OpenAI = "openai";

    /// <summary>Text Embeddings Inference.</summary>
    public const string Tei = "tei";

    public static bool IsKnown(string? api) => api is OpenAI or Tei;
}
