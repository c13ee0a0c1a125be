using OpenMaas.Server.Generation;
using OpenMaas.Server.Library;

namespace OpenMaas.Server.Endpoints;

internal static class EndpointsExtensions
{
    public static IServiceCollection AddOpenMaasEndpoints(this IServiceCollection services)
    {
        services.AddSingleton<IModelResolver, ModelResolver>();
        services.AddSingleton<CompletionRunner>();
        services.AddSingleton<ModelResolutionFilter>();
        services.AddOpenMaasLibrary();
        return services;
    }

    public static WebApplication MapOpenMaas(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1"), v1 => v1.UseMiddleware<OpenAIErrorMiddleware>());
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
        app.MapLibrary();

        var v1 = app.MapGroup("/v1");
        v1.MapModels();

        // Inference: validated body → model resolution (404) → [quota admission] → handler.
        var inference = v1.MapGroup("").AddEndpointFilter<ModelResolutionFilter>();
        inference.MapCompletions();
        return app;
    }
}
