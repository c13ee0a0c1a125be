using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Llama;

namespace Microsoft.Extensions.DependencyInjection;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>Registers <see cref="InferenceOptions"/> (section <c>Inference</c>) and the llama.cpp runtime, as
    /// <see cref="LlamaRuntime"/>, as one of the <see cref="ITextGenerationRuntime"/>s and as one of the
    /// <see cref="IModelRuntime{TModel}"/>s of text generation (what the server's runtime selector asks for).</summary>
    public static IServiceCollection AddOpenMaasInference(this IServiceCollection services)
    {
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LlamaRuntime>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITextGenerationRuntime, LlamaRuntime>(sp => sp.GetRequiredService<LlamaRuntime>()));
        // The pipeline's runtime selector asks for IModelRuntime<TModel> of the capability it needs.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelRuntime<ITextGenerationModel>, LlamaRuntime>(sp => sp.GetRequiredService<LlamaRuntime>()));
        return services;
    }
}
