using System.Text.Json;
using LLama.Native;
using OpenMaas.Bench.RawLoop;

// Usage: raw [sequences...]       the bare LLamaSharp greedy loop (the engine speed; default 1 sequence)
//        model [sequences...]     the same work through LlamaModel's scheduler (default "1 8")
// Options: --model PATH (default ../shared/models/stories260K.gguf), --tokens N (200), --runs N (5)
var settings = BenchSettings.Parse(args);
NativeLibraryConfig.All.WithLogCallback((level, msg) => { if (level is LLamaLogLevel.Error) Console.Error.Write(msg); });
foreach (var sequences in settings.Sequences ?? (settings.Mode == "raw" ? [1] : [1, 8]))
{
    var result = settings.Mode == "raw" ? RawLoopBench.Run(settings, sequences) : await SchedulerBench.RunAsync(settings, sequences);
    Console.WriteLine(JsonSerializer.Serialize(result));
}
