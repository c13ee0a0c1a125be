using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Llama;

namespace OpenMaas.Tests.Inference;

public sealed class InferenceServicesTests
{
    [Fact]
    public void AddOpenMaasInference_BindsOptionsAndRegistersOneRuntime()
    {
        using var provider = Build(new() { ["Inference:ParallelSequences"] = "3", ["Inference:BatchSize"] = "64" });

        Assert.Equal(3, provider.GetRequiredService<IOptions<InferenceOptions>>().Value.ParallelSequences);
        var runtime = Assert.Single(provider.GetServices<ITextGenerationRuntime>());
        Assert.Same(provider.GetRequiredService<LlamaRuntime>(), runtime);
        Assert.True(runtime.CanServe(new ModelDescriptor("a/b", "x.gguf", "GGUF", DateTimeOffset.UnixEpoch)));
        Assert.False(runtime.CanServe(new ModelDescriptor("a/b", "x.onnx", "onnx", DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void AddOpenMaasInference_RejectsABatchNoLargerThanTheSlots()
    {
        using var provider = Build(new() { ["Inference:ParallelSequences"] = "8", ["Inference:BatchSize"] = "8" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<InferenceOptions>>().Value);

        Assert.Contains("BatchSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddOpenMaasInference_BindsTheDecodeThreadCpuAndRejectsANegativeOne()
    {
        using var unset = Build(new());
        using var pinned = Build(new() { ["Inference:DecodeThreadCpu"] = "1" });
        using var negative = Build(new() { ["Inference:DecodeThreadCpu"] = "-1" });

        Assert.Null(unset.GetRequiredService<IOptions<InferenceOptions>>().Value.DecodeThreadCpu);
        Assert.Equal(1, pinned.GetRequiredService<IOptions<InferenceOptions>>().Value.DecodeThreadCpu);
        var error = Assert.Throws<OptionsValidationException>(() => negative.GetRequiredService<IOptions<InferenceOptions>>().Value);
        Assert.Contains("DecodeThreadCpu", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddOpenMaasInference();
        services.AddOpenMaasInference(); // idempotent
        return services.BuildServiceProvider();
    }
}
