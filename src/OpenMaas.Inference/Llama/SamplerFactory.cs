using LLama.Native;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Llama;

/// <summary>Builds one native sampler chain per sequence, in llama-server's order: bias, penalties, top-k, top-p,
/// temperature, distribution (or greedy when the temperature is 0); and, when the options carry a GBNF grammar, a
/// second chain holding only the grammar, which <see cref="ConstrainedSampling"/> consults.</summary>
internal static class SamplerFactory
{
    private const int PenaltyWindow = 64; // llama-server's default repeat_last_n

    public static SafeLLamaSamplerChainHandle Create(SamplingOptions options, SafeLlamaModelHandle.Vocabulary vocab, LLamaLogitBias[] eogBans)
    {
        var p = LLamaSamplerChainParams.Default();
        p.NoPerf = true;
        var chain = SafeLLamaSamplerChainHandle.Create(p);
        try
        {
            if (options.IgnoreEos && eogBans.Length > 0)
            {
                chain.AddLogitBias(vocab.Count, eogBans);
            }

            if (options.PresencePenalty != 0 || options.FrequencyPenalty != 0)
            {
                chain.AddPenalties(PenaltyWindow, 1f, options.FrequencyPenalty, options.PresencePenalty);
            }

            if (options.Temperature <= 0)
            {
                chain.AddGreedySampler();
                return chain;
            }

            if (options.TopK > 0)
            {
                chain.AddTopK(options.TopK);
            }

            if (options.TopP is > 0 and < 1)
            {
                chain.AddTopP(options.TopP, 1);
            }

            chain.AddTemperature(options.Temperature);
            chain.AddDistributionSampler(options.Seed ?? (uint)Random.Shared.Next());
            return chain;
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    /// <summary>The grammar sampler of <paramref name="options"/> (root rule <c>root</c>), or null when it has none.</summary>
    /// <exception cref="OpenMaas.Inference.Grammar.UnsupportedSchemaException">llama.cpp refuses the grammar.</exception>
    public static SafeLLamaSamplerChainHandle? CreateGrammar(SamplingOptions options, SafeLlamaModelHandle model)
    {
        if (options.Grammar is not { } grammar)
        {
            return null;
        }

        var p = LLamaSamplerChainParams.Default();
        p.NoPerf = true;
        var chain = SafeLLamaSamplerChainHandle.Create(p);
        try
        {
            if (!NativeGrammarCheck.TryAdd(chain, model, grammar, "root"))
            {
                throw new OpenMaas.Inference.Grammar.UnsupportedSchemaException("grammar",
                    "llama.cpp refuses the grammar made from this schema (too many optional properties or alternatives in one place); simplify the schema.");
            }

            return chain;
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    /// <summary>Logit biases that make every end-of-generation token impossible (for <c>ignore_eos</c>).</summary>
    public static LLamaLogitBias[] EogBans(SafeLlamaModelHandle.Vocabulary vocab)
    {
        var bans = new List<LLamaLogitBias>();
        for (var i = 0; i < vocab.Count; i++)
        {
            if (((LLamaToken)i).IsEndOfGeneration(vocab))
            {
                bans.Add(new LLamaLogitBias { Token = i, Bias = float.NegativeInfinity });
            }
        }

        return [.. bans];
    }
}
