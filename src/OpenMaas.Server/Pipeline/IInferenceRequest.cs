namespace OpenMaas.Server.Pipeline;

/// <summary>Which surface and endpoint a call came in on; recorded in the usage log.</summary>
/// <param name="Protocol">The wire protocol: <c>openai</c>, later <c>anthropic</c>, <c>modelscope</c>, <c>console</c>.</param>
/// <param name="Name">The endpoint within it, e.g. <c>chat.completions</c>.</param>
public sealed record CallEndpoint(string Protocol, string Name);

/// <summary>
/// A protocol-neutral inference request, produced by a wire adapter after parsing <b>and fully validating</b> the body:
/// every field check that can answer 400 without the model has run. It names the model and the endpoint; the kind of
/// request (text generation, embeddings, a task) is its type.
/// </summary>
public interface IInferenceRequest
{
    /// <summary>The Model ID the request names (<c>owner/name</c>).</summary>
    string Model { get; }

    /// <summary>The surface and endpoint the call came in on.</summary>
    CallEndpoint Endpoint { get; }
}
