using LLama.Native;

namespace OpenMaas.Inference.Llama;

/// <summary>
/// Sampling under a grammar the way llama.cpp's common sampler does it: sample with the ordinary chain first and ask
/// the grammar only about the token chosen; only when the grammar rejects it are all candidates filtered by the grammar
/// and the chain applied again. Most steps thus check one token against the grammar instead of the whole vocabulary.
/// Both the chain and the grammar then accept the token.
/// </summary>
internal static class ConstrainedSampling
{
    public static LLamaToken Sample(SafeLLamaContextHandle context, int index, SafeLLamaSamplerChainHandle chain, SafeLLamaSamplerChainHandle grammar, LLamaTokenData[] buffer)
    {
        var logits = context.GetLogitsIth(index);
        var token = Pick(chain, logits, buffer, null);
        if (!Allows(grammar, token))
        {
            token = Pick(chain, logits, buffer, grammar);
        }

        grammar.Accept(token);
        chain.Accept(token);
        return token;
    }

    private static bool Allows(SafeLLamaSamplerChainHandle grammar, LLamaToken token)
    {
        var one = new LLamaTokenDataArray(new LLamaTokenData[] { new(token, 1f, 0f) }, false);
        using (LLamaTokenDataArrayNative.Create(one, out var native))
        {
            grammar.Apply(ref native);
        }

        return !float.IsNegativeInfinity(one.Data.Span[0].Logit);
    }

    private static LLamaToken Pick(SafeLLamaSamplerChainHandle chain, Span<float> logits, LLamaTokenData[] buffer, SafeLLamaSamplerChainHandle? grammar)
    {
        var candidates = LLamaTokenDataArray.Create(logits, buffer);
        using (LLamaTokenDataArrayNative.Create(candidates, out var native))
        {
            grammar?.Apply(ref native);
            chain.Apply(ref native);
            return native.Data[checked((int)native.Selected)].ID;
        }
    }
}
