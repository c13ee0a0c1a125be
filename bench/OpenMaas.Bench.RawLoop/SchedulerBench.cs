using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Llama;

namespace OpenMaas.Bench.RawLoop;

/// <summary>The same greedy work through <see cref="LlamaRuntime"/> (scheduler, sampler chains, streaming
/// channels), without HTTP: N concurrent sequences, aggregate completion tokens per second.</summary>
internal static class SchedulerBench
{
    public static async Task<object> RunAsync(BenchSettings s, int sequences, string? grammar = null)
    {
        var options = new InferenceOptions
        {
            ParallelSequences = Math.Max(sequences, 1),
            QueueLimit = 0,
            ContextSize = BenchSettings.ContextSize,
            BatchSize = 256,
            Threads = BenchSettings.Threads,
        };
        using var runtime = new LlamaRuntime(Options.Create(options), TimeProvider.System, NullLogger<LlamaRuntime>.Instance);
        var model = await runtime.GetAsync(new ModelDescriptor("bench/stories260K", s.ModelPath, "gguf", DateTimeOffset.UnixEpoch), CancellationToken.None);
        var prompt = model.Prepare(new PromptInput.Raw(BenchSettings.Prompt));
        var sampling = new SamplingOptions { Temperature = 0, MaxTokens = s.Tokens, IgnoreEos = true, Grammar = grammar };
        var rates = new List<double>();
        var cpuRates = new List<double>();
        for (var run = 0; run <= s.Runs; run++)
        {
            var started = Stopwatch.GetTimestamp();
            var cpu = CpuClock.Now();
            var counts = await Task.WhenAll(Enumerable.Range(0, sequences).Select(_ => Task.Run(() => ConsumeAsync(model, prompt, sampling))));
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (run > 0)
            {
                rates.Add(counts.Sum() / elapsed.TotalSeconds);
                cpuRates.Add(counts.Sum() / (CpuClock.Now() - cpu).TotalSeconds);
            }
        }

        return new { mode = grammar is null ? "model" : "model+grammar", sequences, threads = BenchSettings.Threads, ctx = BenchSettings.ContextSize, tokens = s.Tokens, runs = s.Runs, median_tok_s = Math.Round(BenchSettings.Median(rates)), median_tok_per_cpu_s = Math.Round(BenchSettings.Median(cpuRates)), all_tok_s = rates.Select(r => Math.Round(r)).ToArray() };
    }

    private static async Task<int> ConsumeAsync(ITextGenerationModel model, PreparedPrompt prompt, SamplingOptions sampling)
    {
        var completion = 0;
        await foreach (var chunk in model.Generate(prompt, sampling, CancellationToken.None))
        {
            completion = chunk.CompletionTokens;
        }

        return completion;
    }
}
