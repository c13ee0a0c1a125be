using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Upstream;

public static class UpstreamServiceCollectionExtensions
{
    /// <summary>The upstream runtime: options (section <c>Upstreams</c>), registry, invoker and the health rounds.</summary>
    public static IServiceCollection AddOpenMaasUpstreams(this IServiceCollection services)
    {
        services.AddOptions<UpstreamOptions>().BindConfiguration(UpstreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UpstreamRegistry>();
        services.TryAddSingleton<UpstreamInvoker>();
        services.TryAddSingleton<UpstreamRuntime>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelRuntime<ITextGenerationModel>, UpstreamRuntime>(sp => sp.GetRequiredService<UpstreamRuntime>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelRuntime<UpstreamEmbeddingModel>, UpstreamEmbeddingRuntime>());
        services.AddHostedService<UpstreamHealthRounds>();
        return services;
    }
}
