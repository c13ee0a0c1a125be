using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Server.Runtimes.Engines;

internal static class UpstreamServerExtensions
{
    /// <summary>The upstream runtime with the CLI's deployments as a source, configured models put into the library,
    /// and the OpenAI pass-through.</summary>
    public static IServiceCollection AddOpenMaasUpstreamServing(this IServiceCollection services)
    {
        services.TryAddSingleton<IUpstreamSource, StoredUpstreamSource>();
        services.AddOpenMaasUpstreams();
        services.TryAddSingleton<EngineDeployments>();
        services.AddHostedService<ConfiguredUpstreamModels>();
        services.AddSingleton<PassThroughResponder>();
        return services;
    }
}
