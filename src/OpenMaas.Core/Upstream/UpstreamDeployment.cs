namespace OpenMaas.Core.Upstream;

/// <summary>
/// One OpenAI-compatible engine that serves a library model of format <c>upstream</c> (several per model). The API
/// key is stored encrypted with ASP.NET Core Data Protection (key ring in the data folder, not in the database), so
/// a copy of the database alone does not reveal it.
/// </summary>
public sealed class UpstreamDeployment
{
    public long Id { get; set; }

    /// <summary>The library model (<c>owner/name</c>) this deployment serves.</summary>
    public required string ModelId { get; set; }

    /// <summary>The engine's OpenAI base URL, ending in <c>/v1</c> (e.g. <c>http://10.0.0.5:8000/v1</c>).</summary>
    public required string Url { get; set; }

    /// <summary>The model name the engine knows (vLLM's <c>--served-model-name</c>, Ollama's tag).</summary>
    public required string UpstreamModel { get; set; }

    /// <summary>Relative share of traffic among healthy deployments.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>The API the engine speaks: <c>openai</c> (the default) or <c>tei</c> (Hugging Face Text Embeddings
    /// Inference's rerank at its root); the values of <c>OpenMaas.Inference.Upstream.UpstreamApis</c>.</summary>
    public string Api { get; set; } = DefaultApi;

    /// <summary>What rows stored before the column existed speak.</summary>
    public const string DefaultApi = "openai";

    /// <summary>The API key, protected (Data Protection payload); null when the engine needs none.</summary>
    public string? ProtectedApiKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
