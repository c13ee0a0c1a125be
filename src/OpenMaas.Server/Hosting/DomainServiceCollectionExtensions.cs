using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenMaas.Core;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Hub;
using OpenMaas.Server.Runtimes.Onnx;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes;
using OpenMaas.Server.Runtimes.Embeddings;
using OpenMaas.Server.Runtimes.Ranking;
using OpenMaas.Server.Runtimes.Images;
using OpenMaas.Server.Runtimes.Audio;
using OpenMaas.Server.Runtimes.Tasks;
using OpenMaas.Server.Runtimes.TextGeneration;
using OpenMaas.Server.Runtimes.Engines;

using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Hosting;

/// <summary>The one composition of the domain: what <c>openmaas serve</c> and every CLI verb share. Defaults are added
/// with <c>TryAdd</c>, so a test (or the server) that registers its own first keeps it.</summary>
internal static class DomainServiceCollectionExtensions
{
    public static IServiceCollection AddOpenMaasDomain(this IServiceCollection services, IConfiguration configuration)
    {
        // Options, storage, accounts, tokens, the catalog, the clock, and Redis when configured.
        services.AddOpenMaasCore();
        services.AddOpenMaasCluster(configuration);
        services.AddOpenMaasInference();
        services.AddOpenMaasEngines();

        // Model files: what registers, imports and pulls them.
        services.TryAddSingleton<IModelFileInspector, GgufFileInspector>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelImporter, OnnxModelImporter>());
        services.TryAddSingleton<ModelRegistrar>();
        services.TryAddSingleton<ModelPuller>();
        services.TryAddSingleton<UpstreamRegistrar>();
        services.TryAddSingleton<BuiltInModels>();

        // Runtime selection and preparation, by capability (openmaas run uses them without HTTP).
        services.TryAddSingleton<IRuntimeSelector, RuntimeSelector>();
        services.TryAddSingleton<ICallPreparer<TextGenerationRequest, PreparedGeneration>, TextGenerationPreparer>();
        services.TryAddSingleton<ICallPreparer<EmbeddingRequest, PreparedEmbedding>, EmbeddingPreparer>();
        services.AddOptions<RerankOptions>().BindConfiguration(RerankOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<RerankPreparer>();
        services.TryAddSingleton<ICallPreparer<RerankRequest, PreparedRerank>>(sp => sp.GetRequiredService<RerankPreparer>());
        services.AddOptions<ImageOptions>().BindConfiguration(ImageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ICallPreparer<ImageRequest, PreparedImages>, ImagePreparer>();
        services.AddOptions<AudioOptions>().BindConfiguration(AudioOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ICallPreparer<AudioRequest, PreparedAudio>, AudioPreparer>();
        services.TryAddSingleton<TaskPreparer>();
        services.TryAddSingleton<ICallPreparer<TaskCallRequest, PreparedTask>>(sp => sp.GetRequiredService<TaskPreparer>());
        return services;
    }
}
