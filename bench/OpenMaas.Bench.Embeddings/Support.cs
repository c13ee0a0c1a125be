using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Onnx;

namespace OpenMaas.Bench.Embeddings;

/// <summary>Short, varied English sentences (deterministic).</summary>
internal static class Sentences
{
    private static readonly string[] Subjects = ["A man", "The girl", "A child", "My neighbour", "The old teacher", "A dog", "Two students", "The chef"];
    private static readonly string[] Verbs = ["is eating", "is reading", "is carrying", "bought", "painted", "found", "is watching", "cooked"];
    private static readonly string[] Objects = ["a piece of bread", "a baby", "the newspaper", "a red bicycle", "some food", "a small boat", "the letters", "a cup of tea"];
    private static readonly string[] Places = ["in the park.", "at home.", "near the river.", "in the kitchen.", "on the train.", "after lunch.", "before dawn.", "in the garden."];

    public static string[] Make(int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"{Subjects[i % 8]} {Verbs[i / 8 % 8]} {Objects[i / 64 % 8]} {Places[(i * 7 + i / 512) % 8]}")];
}

internal static class Proc
{
    public static double RssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }
}

/// <summary>The same ONNX model behind the same runtime, in this process (what the task API adds is HTTP + pipeline).</summary>
internal static class Local
{
    public static async Task<ITaskModel> LoadAsync(OnnxModelRuntime runtime, string model, string task, string id)
    {
        var folder = Path.Combine(Path.GetTempPath(), "openmaas-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, OnnxTaskConfig.FileName);
        OnnxModelInspector.CreateConfig(task, model, model, null).Write(config);
        return await ((IModelRuntime<ITaskModel>)runtime).GetAsync(new ModelDescriptor(id, config, OnnxTasks.Format, DateTimeOffset.UnixEpoch) { Task = task }, CancellationToken.None);
    }
}
