using Microsoft.Extensions.Time.Testing;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Llama;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Inference;

[Collection(LlamaCollection.Name)]
[Trait("Category", "Slow")]
public sealed class LlamaRuntimeTests
{
    [Fact]
    public async Task GetAsync_ConcurrentFirstCalls_LoadOnce()
    {
        using var runtime = LlamaTestHost.CreateRuntime();

        var models = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () => await runtime.GetAsync(LlamaTestHost.Stories(), CancellationToken.None))));

        Assert.All(models, m => Assert.Same(models[0], m));
        var loaded = Assert.Single(runtime.Loaded);
        Assert.Equal(TestAssets.StoriesId, loaded.Id);
        Assert.Equal(256, models[0].ContextLength);
    }

    [Fact]
    public async Task GetAsync_NewVersion_ReloadsTheModel()
    {
        using var runtime = LlamaTestHost.CreateRuntime();
        var first = await runtime.GetAsync(LlamaTestHost.Stories(), CancellationToken.None);

        var second = await runtime.GetAsync(LlamaTestHost.Stories(version: DateTimeOffset.UnixEpoch.AddDays(1)), CancellationToken.None);

        Assert.NotSame(first, second);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(1), Assert.Single(runtime.Loaded).Version);
        Assert.Equal(TestAssets.StoriesGreedy40, (await second.RunAsync("Once upon a time", LlamaTestHost.Greedy40)).Text);
    }

    [Fact]
    public async Task GetAsync_MissingFile_ThrowsModelLoadException()
    {
        using var runtime = LlamaTestHost.CreateRuntime();
        var missing = new ModelDescriptor("x/missing", "/nonexistent/model.gguf", "gguf", DateTimeOffset.UnixEpoch);

        var error = await Assert.ThrowsAsync<ModelLoadException>(async () => await runtime.GetAsync(missing, CancellationToken.None));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Empty(runtime.Loaded);
    }

    [Fact]
    public async Task GetAsync_NotGguf_ThrowsModelLoadException()
    {
        using var runtime = LlamaTestHost.CreateRuntime();
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "not a model at all");
            var error = await Assert.ThrowsAsync<ModelLoadException>(async () => await runtime.GetAsync(new ModelDescriptor("x/junk", path, "gguf", DateTimeOffset.UnixEpoch), CancellationToken.None));
            Assert.Contains("GGUF", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task IdleModel_IsUnloadedAfterIdleUnloadSeconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var runtime = LlamaTestHost.CreateRuntime(o => o.IdleUnloadSeconds = 60, time);
        var model = await runtime.LoadStoriesAsync();
        await model.RunAsync("Once upon a time", LlamaTestHost.Greedy40);

        time.Advance(TimeSpan.FromSeconds(45));
        Assert.Single(runtime.Loaded);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Empty(runtime.Loaded);
    }

    [Fact]
    public async Task BusyModel_IsNotUnloadedWhenIdleTimeElapses()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var runtime = LlamaTestHost.CreateSingleSlotRuntime(time, o => o.IdleUnloadSeconds = 60);
        var model = await runtime.LoadStoriesAsync();
        using var cts = new CancellationTokenSource();
        var running = model.StartEndless(cts.Token);

        time.Advance(TimeSpan.FromSeconds(120));

        Assert.Single(runtime.Loaded);
        await cts.CancelAndDrainAsync(running);
    }

    [Fact]
    public async Task LoadingOverTheMemoryBudget_UnloadsTheLeastRecentlyUsedIdleModel()
    {
        // stories260K with 2 sequences of 256 tokens is estimated at about 1.5 MiB: one fits in 2 MiB, two do not.
        using var runtime = LlamaTestHost.CreateRuntime(o =>
        {
            o.MemoryBudgetMiB = 2;
            o.ParallelSequences = 2;
        });
        var a = await runtime.GetAsync(LlamaTestHost.Stories("test/a"), CancellationToken.None);
        Assert.Equal("test/a", Assert.Single(runtime.Loaded).Id);

        var b = await runtime.GetAsync(LlamaTestHost.Stories("test/b"), CancellationToken.None);

        Assert.Equal("test/b", Assert.Single(runtime.Loaded).Id);
        Assert.Equal(TestAssets.StoriesGreedy40, (await b.RunAsync("Once upon a time", LlamaTestHost.Greedy40)).Text);
        Assert.NotSame(a, b);
    }

    [Fact]
    public async Task LoadingOverTheMemoryBudget_NeverUnloadsABusyModel()
    {
        // One model with a 2,048-token sequence is about 2.4 MiB: two do not fit in 3 MiB.
        using var runtime = LlamaTestHost.CreateSingleSlotRuntime(configure: o => o.MemoryBudgetMiB = 3);
        var a = await runtime.GetAsync(LlamaTestHost.Stories("test/a"), CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var running = a.StartEndless(cts.Token);

        await runtime.GetAsync(LlamaTestHost.Stories("test/b"), CancellationToken.None);

        Assert.Equal(["test/a", "test/b"], runtime.Loaded.Select(m => m.Id));
        await cts.CancelAndDrainAsync(running);
    }

    [Fact]
    public async Task ModelLargerThanTheBudget_ThrowsModelLoadException()
    {
        using var runtime = LlamaTestHost.CreateRuntime(o =>
        {
            o.MemoryBudgetMiB = 1;
            o.ContextSize = 2048;
        });

        var error = await Assert.ThrowsAsync<ModelLoadException>(async () => await runtime.LoadStoriesAsync());

        Assert.Contains("memory budget", error.Message, StringComparison.Ordinal);
    }
}
