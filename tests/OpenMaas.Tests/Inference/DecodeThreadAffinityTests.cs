using OpenMaas.Inference.Llama;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Inference;

/// <summary><c>Inference:DecodeThreadCpu</c>: the model's decode thread is pinned to that CPU (read back from
/// <c>/proc/self/task/TID/status</c>); a CPU the process may not use leaves it unpinned and the model still serves.</summary>
[Collection(LlamaCollection.Name)]
[Trait("Category", "Slow")]
public sealed class DecodeThreadAffinityTests
{
    [Fact]
    public async Task DecodeThreadCpu_PinsTheDecodeThreadToThatCpu()
    {
        var cpu = AllowedCpus(File.ReadAllLines("/proc/self/status")).Max();
        using var runtime = LlamaTestHost.CreateRuntime(o => o.DecodeThreadCpu = cpu);
        var model = await runtime.GetAsync(LlamaTestHost.Stories("pin/stories"), CancellationToken.None);

        var result = await model.RunAsync("Once upon a time", LlamaTestHost.Greedy40);

        Assert.Equal(TestAssets.StoriesGreedy40, result.Text);
        Assert.Equal([cpu], AllowedCpus(DecodeThreadStatus("llama-decode pi")));
    }

    [Fact]
    public async Task DecodeThreadCpu_NotAvailable_TheModelStillServesUnpinned()
    {
        var allowed = AllowedCpus(File.ReadAllLines("/proc/self/status"));
        using var runtime = LlamaTestHost.CreateRuntime(o => o.DecodeThreadCpu = 1023);
        var model = await runtime.GetAsync(LlamaTestHost.Stories("nopin/stories"), CancellationToken.None);

        var result = await model.RunAsync("Once upon a time", LlamaTestHost.Greedy40);

        Assert.Equal(TestAssets.StoriesGreedy40, result.Text);
        Assert.Equal(allowed, AllowedCpus(DecodeThreadStatus("llama-decode no")));
    }

    /// <summary>The status lines of this process's thread with that name (Linux keeps the first 15 characters).</summary>
    private static string[] DecodeThreadStatus(string name)
    {
        var matches = Directory.GetDirectories("/proc/self/task")
            .Where(task => File.Exists(Path.Combine(task, "comm")) && File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == name)
            .ToList();
        var task = Assert.Single(matches);
        return File.ReadAllLines(Path.Combine(task, "status"));
    }

    /// <summary>The CPUs of a <c>Cpus_allowed_list</c> line such as <c>0-1,4</c>.</summary>
    private static int[] AllowedCpus(string[] status)
    {
        var list = status.Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))["Cpus_allowed_list:".Length..].Trim();
        return [.. list.Split(',').SelectMany(part => part.Split('-') is [var a, var b]
            ? Enumerable.Range(int.Parse(a, System.Globalization.CultureInfo.InvariantCulture), int.Parse(b, System.Globalization.CultureInfo.InvariantCulture) - int.Parse(a, System.Globalization.CultureInfo.InvariantCulture) + 1)
            : [int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)])];
    }
}
