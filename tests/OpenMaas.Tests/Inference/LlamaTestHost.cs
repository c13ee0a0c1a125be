using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Llama;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Inference;

/// <summary>Real llama runtimes over stories260K for the inference tests.</summary>
internal static class LlamaTestHost
{
    public static readonly SamplingOptions Greedy40 = new() { Temperature = 0, MaxTokens = 40 };

    /// <summary>Greedy up to the context with end-of-generation ignored: ~2,000 tokens at a 2,048 context, long
    /// enough to still be running while a test acts on it.</summary>
    public static readonly SamplingOptions Endless = new() { Temperature = 0, MaxTokens = 0, IgnoreEos = true };

    /// <summary>One slot, a queue of one, 2,048-token sequences.</summary>
    public static LlamaRuntime CreateSingleSlotRuntime(TimeProvider? time = null, Action<InferenceOptions>? configure = null) => CreateRuntime(o =>
    {
        o.ParallelSequences = 1;
        o.QueueLimit = 1;
        o.ContextSize = 2048;
        configure?.Invoke(o);
    }, time);

    public static IAsyncEnumerable<GenerationChunk> StartEndless(this ITextGenerationModel model, CancellationToken ct)
        => model.Generate(model.Raw("Once upon a time"), Endless, ct);

    /// <summary>Cancels and checks that the stream ends with cancellation.</summary>
    public static async Task CancelAndDrainAsync(this CancellationTokenSource cts, params IAsyncEnumerable<GenerationChunk>[] streams)
    {
        await cts.CancelAsync();
        foreach (var stream in streams)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.CollectAsync());
        }
    }

    public static LlamaRuntime CreateRuntime(Action<InferenceOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new InferenceOptions { ParallelSequences = 4, QueueLimit = 16, ContextSize = 256, BatchSize = 256, Threads = 1 };
        configure?.Invoke(options);
        return new LlamaRuntime(Options.Create(options), time ?? TimeProvider.System, NullLogger<LlamaRuntime>.Instance);
    }

    public static ModelDescriptor Stories(string id = TestAssets.StoriesId, DateTimeOffset? version = null)
        => new(id, TestAssets.StoriesGguf, "gguf", version ?? DateTimeOffset.UnixEpoch);

    public static async Task<ITextGenerationModel> LoadStoriesAsync(this LlamaRuntime runtime)
        => await runtime.GetAsync(Stories(), CancellationToken.None);

    public static PreparedPrompt Raw(this ITextGenerationModel model, string text) => model.Prepare(new PromptInput.Raw(text));

    public static async Task<Completion> CollectAsync(this IAsyncEnumerable<GenerationChunk> stream)
    {
        var text = new System.Text.StringBuilder();
        var chunks = 0;
        GenerationChunk last = default;
        await foreach (var chunk in stream)
        {
            text.Append(chunk.Text);
            chunks++;
            last = chunk;
        }

        return new Completion(text.ToString(), last, chunks);
    }

    public static Task<Completion> RunAsync(this ITextGenerationModel model, string prompt, SamplingOptions options, CancellationToken ct = default)
        => model.Generate(model.Raw(prompt), options, ct).CollectAsync();
}

internal sealed record Completion(string Text, GenerationChunk Final, int Chunks)
{
    public FinishReason? Finish => Final.Finish;
}
