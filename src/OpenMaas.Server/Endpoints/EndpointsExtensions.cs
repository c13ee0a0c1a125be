using OpenMaas.Server.Auth;
using OpenMaas.Server.Generation;
using OpenMaas.Server.Library;
using OpenMaas.Server.Metering;
using OpenMaas.Server.Tokens;
using OpenMaas.Server.Upstream;

namespace OpenMaas.Server.Endpoints;

internal static class EndpointsExtensions
{
    public static IServiceCollection AddOpenMaasEndpoints(this IServiceCollection services)
    {
        services.AddSingleton<IModelResolver, ModelResolver>();
        services.AddSingleton<CompletionRunner>();
        services.AddSingleton<ModelResolutionFilter>();
        services.AddSingleton<UpstreamFilter>();
        services.AddOpenMaasLibrary();
        return services;
    }

    public static WebApplication MapOpenMaas(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1"), v1 => v1.UseMiddleware<OpenAIErrorMiddleware>());
        // After the error middleware, so 401s on /v1 carry its request id.
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
        app.MapLibrary();
        app.MapAuth();
        app.MapTokens();
        app.MapUsage();

        var v1 = app.MapGroup("/v1").RequireAccessToken(app.Services);
        v1.MapModels();

        // Inference: validated body → model resolution (404) → quota admission (429) → handler.
        var inference = v1.MapGroup("").AddEndpointFilter<ModelResolutionFilter>().AddQuota().AddEndpointFilter<UpstreamFilter>();
        inference.MapCompletions();
        return app;
    }
}
