using System.Text.Json;
using OpenMaas.Bench.RawLoop;

// Usage: raw                      the bare LLamaSharp greedy loop (the engine speed)
//        model [sequences...]     the same work through LlamaModel's scheduler, e.g. "model 1 8"
// Options: --model PATH (default ../shared/models/stories260K.gguf), --tokens N (200), --runs N (5)
var settings = BenchSettings.Parse(args);
if (settings.Mode == "raw")
{
    var result = RawLoopBench.Run(settings);
    Console.WriteLine(JsonSerializer.Serialize(result));
}
else
{
    foreach (var sequences in settings.Sequences)
    {
        var result = await SchedulerBench.RunAsync(settings, sequences);
        Console.WriteLine(JsonSerializer.Serialize(result));
    }
}
