using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Hosting;
using OpenMaas.Inference.Llama;
using OpenMaas.Inference.Onnx;

namespace Microsoft.Extensions.DependencyInjection;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>Registers <see cref="InferenceOptions"/> (section <c>Inference</c>) and the llama.cpp runtime, as
    /// <see cref="LlamaRuntime"/> and as one of the <see cref="ITextGenerationRuntime"/>s; <see cref="OnnxOptions"/>
    /// (section <c>Onnx</c>) and the ONNX Runtime runtime as an <see cref="IEmbeddingRuntime"/> and an
    /// <see cref="ITaskRuntime"/>, both in the shared <see cref="ModelHost"/>.</summary>
    public static IServiceCollection AddOpenMaasInference(this IServiceCollection services)
    {
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OnnxOptions>().BindConfiguration(OnnxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LlamaRuntime>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITextGenerationRuntime, LlamaRuntime>(sp => sp.GetRequiredService<LlamaRuntime>()));
        services.TryAddSingleton<ModelHost>();
        services.TryAddSingleton<OnnxModelRuntime>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEmbeddingRuntime, OnnxModelRuntime>(sp => sp.GetRequiredService<OnnxModelRuntime>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITaskRuntime, OnnxModelRuntime>(sp => sp.GetRequiredService<OnnxModelRuntime>()));
        return services;
    }
}
