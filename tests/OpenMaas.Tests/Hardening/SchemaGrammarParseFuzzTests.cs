using System.Runtime.InteropServices;
using CsCheck;
using LLama;
using LLama.Common;
using OpenMaas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenMaas.Tests.Hardening;

/// <summary>
/// Every grammar the converter makes from a fuzzed schema (<see cref="SchemaGen"/>) is one llama.cpp's own GBNF parser
/// takes (a grammar sampler built on a real model's vocabulary, as a local generation builds it): one it refused would
/// fail the call after admission instead of as a 400. Slow: it loads a (tiny) model.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SchemaGrammarParseFuzzTests : IDisposable
{
    private const int Iterations = 400;

    private readonly LLamaWeights _weights;
    private readonly IntPtr _vocab;
    private readonly InitGrammar _initGrammar;
    private readonly Free _free;

    public SchemaGrammarParseFuzzTests(ITestOutputHelper output)
    {
        _output = output;
        _weights = LLamaWeights.LoadFromFile(new ModelParams(TestAssets.StoriesGguf) { GpuLayerCount = 0 });
        var path = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
            .First(p => p is not null && Path.GetFileName(p) == "libllama.so")!;
        var library = NativeLibrary.Load(path); // the copy already loaded: the same instance
        var vocab = Marshal.GetDelegateForFunctionPointer<GetVocab>(NativeLibrary.GetExport(library, "llama_model_get_vocab"));
        _vocab = vocab(_weights.NativeHandle.DangerousGetHandle());
        _initGrammar = Marshal.GetDelegateForFunctionPointer<InitGrammar>(NativeLibrary.GetExport(library, "llama_sampler_init_grammar"));
        _free = Marshal.GetDelegateForFunctionPointer<Free>(NativeLibrary.GetExport(library, "llama_sampler_free"));
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GetVocab(IntPtr model);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void Free(IntPtr sampler);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr InitGrammar(IntPtr vocab, [MarshalAs(UnmanagedType.LPUTF8Str)] string grammar, [MarshalAs(UnmanagedType.LPUTF8Str)] string root);

    private readonly ITestOutputHelper _output;

    [Fact]
    public void EveryGrammarMadeFromAFuzzedSchema_ParsesInLlamaCpp()
    {
        // A grammar llama.cpp cannot parse is not refused politely: the parser logs "error parsing grammar" and the
        // process aborts (tried: "root ::= ( \"a\"" ends the test host). So a converter grammar that failed here would end
        // the test run, as it would end a server; the bad case cannot be asserted in-process.
        Assert.True(Parses("root ::= \"a\""));
        var made = 0;
        // Objects of many optional properties are left out: KNOWN DEFECT, see Regression_ObjectOf48OptionalProperties… below.
        Fuzz.Run(SchemaGen.Schema(2).Where(s => s.Split("\"p").Length < 20), schema =>
        {
            if (SchemaGrammarFuzzTests.Convert(schema) is { } grammar)
            {
                made++;
                Assert.True(Parses(grammar), $"llama.cpp refuses the grammar of {schema}:\n{grammar}");
            }
        }, Iterations, _output);
        _output.WriteLine($"{made} grammars made and parsed");
        Assert.True(made > 0, "no schema made a grammar");
    }

    [Fact(Skip = "KNOWN LIMIT (found by OPENMAAS_FUZZ_SECONDS=10): the grammar of an object of 48 optional properties is under the converter's size bound, but llama.cpp's llama_sampler_init_grammar refuses it (null). The server no longer dies of it (a 400, LocalConstraintTests.ASchemaWhoseGrammarLlamaCppRefuses_…); the converter should still make llama.cpp's O(n) rest-rule form")]
    public void Regression_ObjectOf48OptionalProperties_MakesAGrammarLlamaCppParses()
    {
        var schema = "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" + string.Join(",", Enumerable.Range(0, 48).Select(i => $"\"p{i}\":{{}}")) + "}},\"minItems\":0}";
        var grammar = SchemaGrammarFuzzTests.Convert(schema);
        Assert.True(grammar is null || Parses(grammar), "the converter made a grammar llama.cpp refuses");
    }

    /// <summary>Whether llama.cpp's <c>llama_sampler_init_grammar</c> parses <paramref name="grammar"/> (called in the
    /// libllama LLamaSharp loaded, for a sampler of its own that is freed at once).</summary>
    private bool Parses(string grammar)
    {
        var sampler = _initGrammar(_vocab, grammar, "root");
        if (sampler == IntPtr.Zero)
        {
            return false;
        }

        _free(sampler);
        return true;
    }

    public void Dispose() => _weights.Dispose();
}
