using System.Runtime.InteropServices;
using LLama.Native;

namespace OpenMaas.Inference.Llama;

/// <summary>
/// Asks llama.cpp whether it takes a grammar before one is added to a sampler chain. LLamaSharp's <c>AddGrammar</c>
/// adds whatever <c>llama_sampler_init_grammar</c> returns, and that is null for a grammar llama.cpp's parser refuses
/// (e.g. "number of rules that are going to be repeated … exceeds sane defaults"): a null sampler in the chain ends the
/// process at the next sample. So the grammar sampler is made here, checked, and only then added to the chain (one parse).
/// </summary>
internal static class NativeGrammarCheck
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GetVocab(IntPtr model);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr InitGrammar(IntPtr vocab, [MarshalAs(UnmanagedType.LPUTF8Str)] string grammar, [MarshalAs(UnmanagedType.LPUTF8Str)] string root);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void ChainAdd(IntPtr chain, IntPtr sampler);

    // The copy of libllama LLamaSharp loaded (its own resolver picks it), so the same instance and the same vocab types.
    private static readonly Lazy<(GetVocab Vocab, InitGrammar Init, ChainAdd Add)> Native = new(() =>
    {
        var library = NativeLibrary.Load("llama", typeof(NativeApi).Assembly, null);
        return (
            Marshal.GetDelegateForFunctionPointer<GetVocab>(NativeLibrary.GetExport(library, "llama_model_get_vocab")),
            Marshal.GetDelegateForFunctionPointer<InitGrammar>(NativeLibrary.GetExport(library, "llama_sampler_init_grammar")),
            Marshal.GetDelegateForFunctionPointer<ChainAdd>(NativeLibrary.GetExport(library, "llama_sampler_chain_add")));
    });

    /// <summary>Adds the grammar sampler of <paramref name="grammar"/> (root rule <paramref name="root"/>, for
    /// <paramref name="model"/>'s vocabulary) to <paramref name="chain"/>, which then owns it; false, adding nothing, when
    /// llama.cpp's parser refuses the grammar.</summary>
    public static bool TryAdd(SafeLLamaSamplerChainHandle chain, SafeLlamaModelHandle model, string grammar, string root)
    {
        var (vocab, init, add) = Native.Value;
        var modelAdded = false;
        var chainAdded = false;
        model.DangerousAddRef(ref modelAdded);
        chain.DangerousAddRef(ref chainAdded);
        try
        {
            var sampler = init(vocab(model.DangerousGetHandle()), grammar, root);
            if (sampler == IntPtr.Zero)
            {
                return false;
            }

            add(chain.DangerousGetHandle(), sampler);
            return true;
        }
        finally
        {
            if (chainAdded)
            {
                chain.DangerousRelease();
            }

            if (modelAdded)
            {
                model.DangerousRelease();
            }
        }
    }
}
