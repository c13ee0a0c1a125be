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
}
