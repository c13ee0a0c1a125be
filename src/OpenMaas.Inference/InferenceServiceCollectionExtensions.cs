using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Hosting;
using OpenMaas.Inference.Llama;
using OpenMaas.Inference.Onnx;

namespace Microsoft.Extensions.DependencyInjection;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>Registers <see cref="InferenceOptions"/> (section <c>Inference</c>), the shared <see cref="ModelHost"/>,
    /// the llama.cpp runtime (as <see cref="LlamaRuntime"/>, an <see cref="ITextGenerationRuntime"/> and the
    /// <see cref="IModelRuntime{TModel}"/> of text generation), and <see cref="OnnxOptions"/> (section <c>Onnx</c>) with
    /// the ONNX Runtime runtime as the <see cref="IModelRuntime{TModel}"/> of embeddings and of task models.</summary>
    public static IServiceCollection AddOpenMaasInference(this IServiceCollection services)
    {
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OnnxOptions>().BindConfiguration(OnnxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ModelHost>();
        services.TryAddSingleton<LlamaRuntime>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITextGenerationRuntime, LlamaRuntime>(sp => sp.GetRequiredService<LlamaRuntime>()));
        // The pipeline's runtime selector asks for IModelRuntime<TModel> of the capability it needs.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelRuntime<ITextGenerationModel>, LlamaRuntime>(sp => sp.GetRequiredService<LlamaRuntime>()));
        services.TryAddSingleton<OnnxModelRuntime>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelRuntime<IEmbeddingModel>, OnnxModelRuntime>(sp => sp.GetRequiredService<OnnxModelRuntime>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelRuntime<ITaskModel>, OnnxModelRuntime>(sp => sp.GetRequiredService<OnnxModelRuntime>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelRuntime<IRerankModel>, OnnxModelRuntime>(sp => sp.GetRequiredService<OnnxModelRuntime>()));
        return services;
    }
}
