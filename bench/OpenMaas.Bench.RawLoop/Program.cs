using System.Text.Json;
using LLama.Native;
using OpenMaas.Bench.RawLoop;

// Usage: raw [sequences...]       the bare LLamaSharp greedy loop (the engine speed; default 1 sequence)
//        model [sequences...]     the same work through LlamaModel's scheduler (default "1 8")
//        grammar [sequences...]   the scheduler's work free, then under a JSON-Schema grammar (an array of strings the
//                                 greedy model keeps filling), same length: the cost of grammar-constrained decoding
// Options: --model PATH (default ../shared/models/stories260K.gguf), --tokens N (200), --runs N (5)
var settings = BenchSettings.Parse(args);
NativeLibraryConfig.All.WithLogCallback((level, msg) => { if (level is LLamaLogLevel.Error) Console.Error.Write(msg); });
foreach (var sequences in settings.Sequences ?? (settings.Mode == "raw" ? [1] : [1, 8]))
{
    if (settings.Mode == "grammar")
    {
        var grammar = OpenMaas.Inference.Grammar.JsonSchemaGrammar.FromSchema(JsonDocument.Parse("""{"type":"array","items":{"type":"string"}}""").RootElement);
        Console.WriteLine(JsonSerializer.Serialize(await SchedulerBench.RunAsync(settings, sequences)));
        Console.WriteLine(JsonSerializer.Serialize(await SchedulerBench.RunAsync(settings, sequences, grammar)));
        continue;
    }

    var result = settings.Mode == "raw" ? RawLoopBench.Run(settings, sequences) : await SchedulerBench.RunAsync(settings, sequences);
    Console.WriteLine(JsonSerializer.Serialize(result));
}
