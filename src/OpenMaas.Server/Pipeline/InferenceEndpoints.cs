namespace OpenMaas.Server.Pipeline;

/// <summary>Marks an endpoint mapped through <see cref="InferenceEndpoints.MapInference{TAdapter, TRequest, TPrepared}"/>.</summary>
public sealed record InferenceEndpointMetadata(Type Adapter);

/// <summary>The only way to map an inference endpoint: its handler is the <see cref="CallPipeline"/>.</summary>
public static class InferenceEndpoints
{
    /// <summary>Maps <c>POST <paramref name="pattern"/></c> to the pipeline with the adapter <typeparamref name="TAdapter"/>
    /// (a singleton from DI).</summary>
    public static RouteHandlerBuilder MapInference<TAdapter, TRequest, TPrepared>(this IEndpointRouteBuilder routes, string pattern)
        where TAdapter : IWireAdapter<TRequest, TPrepared>
        where TRequest : IInferenceRequest =>
        routes.MapPost(pattern, static (HttpContext http, CallPipeline pipeline, TAdapter adapter) => pipeline.RunAsync(http, adapter))
            .WithMetadata(new InferenceEndpointMetadata(typeof(TAdapter)));
}
