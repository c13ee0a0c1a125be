using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Engines;

internal static class UpstreamServerExtensions
{
    /// <summary>Models served by engines: the transport with the CLI's deployments as a source, configured models put
    /// into the library, the preparers' view of the engines and the pass-through (part of the domain's composition).</summary>
    public static IServiceCollection AddOpenMaasEngines(this IServiceCollection services)
    {
        services.TryAddSingleton<IUpstreamSource, StoredUpstreamSource>();
        services.AddOpenMaasUpstreams();
        services.TryAddSingleton<EngineDeployments>();
        services.TryAddSingleton<EngineRerank>();
        services.TryAddSingleton<EngineTranscription>();
        services.TryAddSingleton<EngineSpeech>();
        services.AddHostedService<ConfiguredUpstreamModels>();
        services.TryAddSingleton<IPassThroughResponder, PassThroughResponder>();
        return services;
    }
}
