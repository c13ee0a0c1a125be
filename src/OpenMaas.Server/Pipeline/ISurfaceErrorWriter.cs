namespace OpenMaas.Server.Pipeline;

/// <summary>
/// The one writer of error responses for a surface (OpenAI, Anthropic, the ModelScope task API, …). A route group
/// declares its surface with <see cref="SurfaceEndpointExtensions.WithErrorWriter{TBuilder}"/>; the
/// <see cref="CallErrorMiddleware"/> and the authentication challenge find it in the endpoint's metadata.
/// </summary>
public interface ISurfaceErrorWriter
{
    /// <summary>Writes <paramref name="error"/> as the response (status, headers, body) when nothing was sent yet.
    /// Headers already set (the quota headers, <c>WWW-Authenticate</c>) are kept.</summary>
    Task WriteAsync(HttpContext context, CallException error);

    /// <summary>Buffers the event that ends a stream which failed after its first byte, when a status can no longer be
    /// sent (the caller flushes).</summary>
    void WriteStreamError(Generation.SseWriter sse, CallException error, string requestId);
}

/// <summary>Declares which surface writes a route group's errors.</summary>
public static class SurfaceEndpointExtensions
{
    /// <summary>Adds <paramref name="writer"/> to the endpoints' metadata.</summary>
    public static TBuilder WithErrorWriter<TBuilder>(this TBuilder builder, ISurfaceErrorWriter writer)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(writer);

    /// <summary>The error writer of the request's endpoint, or <paramref name="fallback"/> (unknown routes).</summary>
    public static ISurfaceErrorWriter ErrorWriter(this HttpContext context, ISurfaceErrorWriter fallback) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ISurfaceErrorWriter>() ?? fallback;

    /// <summary>The error writer of the request's endpoint; every endpoint that streams declares one.</summary>
    public static ISurfaceErrorWriter ErrorWriter(this HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ISurfaceErrorWriter>()
        ?? throw new InvalidOperationException($"The endpoint of {context.Request.Path} declares no error writer (WithErrorWriter).");
}
