using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace OpenMaas.Bench.RawLoop;

/// <summary>The bare in-process loop: one sequence, greedy, one token per llama_decode, end-of-generation ignored.</summary>
internal static class RawLoopBench
{
    public static object Run(BenchSettings s)
    {
        NativeLibraryConfig.All.WithLogCallback((level, msg) => { if (level is LLamaLogLevel.Error) Console.Error.Write(msg); });
        var mp = new ModelParams(s.ModelPath) { ContextSize = BenchSettings.ContextSize, GpuLayerCount = 0, Threads = BenchSettings.Threads, BatchThreads = BenchSettings.Threads, BatchSize = 256 };
        using var weights = LLamaWeights.LoadFromFile(mp);
        using var ctx = weights.CreateContext(mp);
        var prompt = ctx.Tokenize(BenchSettings.Prompt, addBos: true, special: false);
        var rates = new List<double>();
        var text = string.Empty;
        for (var run = 0; run <= s.Runs; run++) // run 0 warms up
        {
            var (elapsed, output) = Once(ctx, prompt, s.Tokens);
            if (run > 0)
            {
                rates.Add(s.Tokens / elapsed.TotalSeconds);
            }

            text = output;
        }

        return new { mode = "raw", model = Path.GetFileName(s.ModelPath), threads = BenchSettings.Threads, ctx = BenchSettings.ContextSize, tokens = s.Tokens, runs = s.Runs, median_tok_s = Math.Round(BenchSettings.Median(rates)), all_tok_s = rates.Select(r => Math.Round(r)).ToArray(), first = text[..Math.Min(60, text.Length)] };
    }

    private static (TimeSpan Elapsed, string Text) Once(LLamaContext ctx, LLamaToken[] prompt, int tokens)
    {
        ctx.NativeHandle.MemoryClear();
        var p = LLamaSamplerChainParams.Default();
        p.NoPerf = true;
        using var sampler = SafeLLamaSamplerChainHandle.Create(p);
        sampler.AddGreedySampler();
        var decoder = new StreamingTokenDecoder(ctx);
        var batch = new LLamaBatch();
        var started = Stopwatch.GetTimestamp();
        batch.AddRange(prompt, 0, LLamaSeqId.Zero, true);
        Check(ctx.NativeHandle.Decode(batch));
        var pos = prompt.Length;
        var all = new System.Text.StringBuilder();
        for (var i = 0; i < tokens; i++)
        {
            var token = sampler.Sample(ctx.NativeHandle, batch.TokenCount - 1);
            decoder.Add(token);
            all.Append(decoder.Read());
            if (i == tokens - 1)
            {
                break;
            }

            batch.Clear();
            batch.Add(token, pos++, LLamaSeqId.Zero, true);
            Check(ctx.NativeHandle.Decode(batch));
        }

        return (Stopwatch.GetElapsedTime(started), all.ToString());
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode: {result}");
        }
    }
}
