using System.Runtime.InteropServices;
using LLama.Native;

namespace OpenMaas.Inference.Llama;

/// <summary>
/// Asks llama.cpp whether it takes a grammar before one is added to a sampler chain. LLamaSharp's <c>AddGrammar</c>
/// adds whatever <c>llama_sampler_init_grammar</c> returns, and that is null for a grammar llama.cpp's parser refuses
/// (e.g. "number of rules that are going to be repeated … exceeds sane defaults"): a null sampler in the chain ends the
/// process at the next sample. So a refused grammar fails its own call here instead.
/// </summary>
internal static class NativeGrammarCheck
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GetVocab(IntPtr model);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr InitGrammar(IntPtr vocab, [MarshalAs(UnmanagedType.LPUTF8Str)] string grammar, [MarshalAs(UnmanagedType.LPUTF8Str)] string root);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void FreeSampler(IntPtr sampler);

    // The copy of libllama LLamaSharp loaded (its own resolver picks it), so the same instance and the same vocab types.
    private static readonly Lazy<(GetVocab Vocab, InitGrammar Init, FreeSampler Free)> Native = new(() =>
    {
        var library = NativeLibrary.Load("llama", typeof(NativeApi).Assembly, null);
        return (
            Marshal.GetDelegateForFunctionPointer<GetVocab>(NativeLibrary.GetExport(library, "llama_model_get_vocab")),
            Marshal.GetDelegateForFunctionPointer<InitGrammar>(NativeLibrary.GetExport(library, "llama_sampler_init_grammar")),
            Marshal.GetDelegateForFunctionPointer<FreeSampler>(NativeLibrary.GetExport(library, "llama_sampler_free")));
    });

    /// <summary>True when llama.cpp parses <paramref name="grammar"/> (root rule <paramref name="root"/>) for
    /// <paramref name="model"/>'s vocabulary; the sampler made to find out is freed at once.</summary>
    public static bool Accepts(SafeLlamaModelHandle model, string grammar, string root)
    {
        var (vocab, init, free) = Native.Value;
        var added = false;
        model.DangerousAddRef(ref added);
        try
        {
            var sampler = init(vocab(model.DangerousGetHandle()), grammar, root);
            if (sampler == IntPtr.Zero)
            {
                return false;
            }

            free(sampler);
            return true;
        }
        finally
        {
            if (added)
            {
                model.DangerousRelease();
            }
        }
    }
}
