using OpenMaas.Server.Auth;
using OpenMaas.Server.Tokens;
using OpenMaas.Server.Usage;

namespace OpenMaas.Server.Endpoints;

internal static class EndpointsExtensions
{
    public static IServiceCollection AddOpenMaasEndpoints(this IServiceCollection services)
    {
        return services;
    }

    public static WebApplication MapOpenMaas(this WebApplication app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
        app.MapAuth();
        app.MapTokens();
        app.MapUsage();
        return app;
    }
}
