using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace OpenMaas.Bench.RawLoop;

/// <summary>The bare in-process loop: greedy, end-of-generation ignored, all sequences decoded together, one token
/// each per llama_decode (with 1 sequence: the plain single-stream loop of MODELS.md).</summary>
internal static class RawLoopBench
{
    public static object Run(BenchSettings s, int sequences)
    {
        var mp = new ModelParams(s.ModelPath)
        {
            ContextSize = (uint)(BenchSettings.ContextSize * sequences),
            SeqMax = (uint)sequences,
            KVUnified = false,
            FlashAttention = false, // as the server's default (Inference:FlashAttention): much faster on CPU for this model
            GpuLayerCount = 0,
            Threads = BenchSettings.Threads,
            BatchThreads = BenchSettings.Threads,
            BatchSize = 256,
        };
        using var weights = LLamaWeights.LoadFromFile(mp);
        using var ctx = weights.CreateContext(mp);
        var prompt = ctx.Tokenize(BenchSettings.Prompt, addBos: true, special: false);
        var rates = new List<double>();
        var cpuRates = new List<double>();
        var text = string.Empty;
        for (var run = 0; run <= s.Runs; run++) // run 0 warms up
        {
            var cpu = CpuClock.Now();
            var (elapsed, output) = Once(ctx, prompt, s.Tokens, sequences);
            if (run > 0)
            {
                rates.Add(s.Tokens * sequences / elapsed.TotalSeconds);
                cpuRates.Add(s.Tokens * sequences / (CpuClock.Now() - cpu).TotalSeconds);
            }

            text = output;
        }

        return new
        {
            mode = "raw",
            sequences,
            threads = BenchSettings.Threads,
            ctx = BenchSettings.ContextSize,
            tokens = s.Tokens,
            runs = s.Runs,
            median_tok_s = Math.Round(BenchSettings.Median(rates)),
            median_tok_per_cpu_s = Math.Round(BenchSettings.Median(cpuRates)),
            all_tok_s = rates.Select(r => Math.Round(r)).ToArray(),
            first = text[..Math.Min(40, text.Length)],
        };
    }

    private static (TimeSpan Elapsed, string Text) Once(LLamaContext ctx, LLamaToken[] prompt, int tokens, int sequences)
    {
        ctx.NativeHandle.MemoryClear();
        var p = LLamaSamplerChainParams.Default();
        p.NoPerf = true;
        var samplers = new SafeLLamaSamplerChainHandle[sequences];
        var decoders = new StreamingTokenDecoder[sequences];
        var next = new LLamaToken[sequences];
        var logits = new int[sequences];
        for (var q = 0; q < sequences; q++)
        {
            samplers[q] = SafeLLamaSamplerChainHandle.Create(p);
            samplers[q].AddGreedySampler();
            decoders[q] = new StreamingTokenDecoder(ctx);
        }

        var batch = new LLamaBatch();
        var first = new System.Text.StringBuilder();
        var started = Stopwatch.GetTimestamp();
        for (var q = 0; q < sequences; q++)
        {
            for (var i = 0; i < prompt.Length; i++)
            {
                logits[q] = batch.TokenCount;
                batch.Add(prompt[i], i, (LLamaSeqId)q, i == prompt.Length - 1);
            }
        }

        Check(ctx.NativeHandle.Decode(batch));
        for (var i = 0; i < tokens; i++)
        {
            for (var q = 0; q < sequences; q++)
            {
                next[q] = samplers[q].Sample(ctx.NativeHandle, logits[q]);
                decoders[q].Add(next[q]);
                var piece = decoders[q].Read();
                if (q == 0)
                {
                    first.Append(piece);
                }
            }

            if (i == tokens - 1)
            {
                break;
            }

            batch.Clear();
            for (var q = 0; q < sequences; q++)
            {
                logits[q] = batch.TokenCount;
                batch.Add(next[q], prompt.Length + i, (LLamaSeqId)q, true);
            }

            Check(ctx.NativeHandle.Decode(batch));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        foreach (var sampler in samplers)
        {
            sampler.Dispose();
        }

        return (elapsed, first.ToString());
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode: {result}");
        }
    }
}
