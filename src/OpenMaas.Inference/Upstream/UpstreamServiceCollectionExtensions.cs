using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpenMaas.Inference.Upstream;

public static class UpstreamServiceCollectionExtensions
{
    /// <summary>The transport to upstream engines: options (section <c>Upstreams</c>), registry, invoker and the health rounds.</summary>
    public static IServiceCollection AddOpenMaasUpstreams(this IServiceCollection services)
    {
        services.AddOptions<UpstreamOptions>().BindConfiguration(UpstreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UpstreamRegistry>();
        services.TryAddSingleton<UpstreamInvoker>();
        services.AddHostedService<UpstreamHealthRounds>();
        return services;
    }
}
