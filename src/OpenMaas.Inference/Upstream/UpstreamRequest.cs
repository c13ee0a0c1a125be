namespace OpenMaas.Inference.Upstream;

/// <summary>One call to send to a model's upstream deployments.</summary>
/// <param name="Path">The OpenAI path under the base URL: <c>chat/completions</c>, <c>completions</c>, <c>embeddings</c>.</param>
/// <param name="Body">Writes the JSON body for a deployment (it names the deployment's own model name).</param>
/// <param name="Streaming">An SSE answer is expected: the first-byte timeout then covers the first event only.</param>
/// <param name="RequestId">Sent as <c>X-Request-Id</c>, so the engine's logs can be matched with ours.</param>
public sealed record UpstreamRequest(string ModelId, string Path, Func<string, HttpContent> Body, bool Streaming, string? RequestId)
{
    /// <summary>When set, the path and body for a deployment by what it speaks (<see cref="UpstreamTarget.Api"/>),
    /// instead of <see cref="Path"/> and <see cref="Body"/>. A path that starts with <c>/</c> is taken from the
    /// deployment's origin rather than under its base URL.</summary>
    public Func<UpstreamTarget, (string Path, HttpContent Body)>? PerTarget { get; init; }
}
