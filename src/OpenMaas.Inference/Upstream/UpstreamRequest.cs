namespace OpenMaas.Inference.Upstream;

/// <summary>One call to send to a model's upstream deployments.</summary>
/// <param name="Path">The OpenAI path under the base URL: <c>chat/completions</c>, <c>completions</c>, <c>embeddings</c>.</param>
/// <param name="Body">Writes the JSON body for a deployment (it names the deployment's own model name).</param>
/// <param name="Streaming">An SSE answer is expected: the first-byte timeout then covers the first event only.</param>
/// <param name="RequestId">Sent as <c>X-Request-Id</c>, so the engine's logs can be matched with ours.</param>
public sealed record UpstreamRequest(string ModelId, string Path, Func<string, HttpContent> Body, bool Streaming, string? RequestId);
