using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Llama;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Inference;

[Collection(LlamaCollection.Name)]
[Trait("Category", "Slow")]
public sealed class LlamaSchedulerTests
{
    private static readonly string[] Prompts = ["Once upon a time", "The cat", "Lily and Tom went", "One day, a big dog"];

    [Theory]
    [InlineData(8, false)]
    [InlineData(16, false)]
    [InlineData(8, true)]
    public async Task Generate_16ConcurrentGreedy_EachMatchesALoneRun(int parallel, bool unifiedKv)
    {
        using var runtime = LlamaTestHost.CreateRuntime(o =>
        {
            o.ParallelSequences = parallel;
            o.SplitKvCache = !unifiedKv;
        });
        var model = await runtime.LoadStoriesAsync();
        var sampling = new SamplingOptions { Temperature = 0, MaxTokens = 100 };
        var alone = new Dictionary<string, string>();
        foreach (var prompt in Prompts)
        {
            alone[prompt] = (await model.RunAsync(prompt, sampling)).Text;
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => model.RunAsync(Prompts[i % Prompts.Length], sampling))));

        Assert.StartsWith(TestAssets.StoriesGreedy40, alone[Prompts[0]], StringComparison.Ordinal);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(alone[Prompts[i % Prompts.Length]], results[i].Text);
        }
    }

    [Fact]
    public async Task Cancel_FreesTheSlotForTheNextQueuedRequest()
    {
        using var runtime = LlamaTestHost.CreateSingleSlotRuntime();
        var model = await runtime.LoadStoriesAsync();
        using var cts = new CancellationTokenSource();
        var first = model.StartEndless(cts.Token).GetAsyncEnumerator();
        Assert.True(await first.MoveNextAsync());

        var second = model.RunAsync("Once upon a time", LlamaTestHost.Greedy40);
        Assert.Equal(1, Assert.Single(runtime.Loaded).QueuedSequences);
        await cts.CancelAsync();

        var result = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TestAssets.StoriesGreedy40, result.Text);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (await first.MoveNextAsync())
            {
            }
        });
        await first.DisposeAsync();
    }

    [Fact]
    public async Task DisposingTheEnumerator_StopsTheSequence()
    {
        using var runtime = LlamaTestHost.CreateSingleSlotRuntime();
        var model = await runtime.LoadStoriesAsync();

        await foreach (var chunk in model.StartEndless(CancellationToken.None))
        {
            break;
        }

        var result = await model.RunAsync("Once upon a time", LlamaTestHost.Greedy40).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TestAssets.StoriesGreedy40, result.Text);
    }

    [Fact]
    public async Task Generate_WhenSlotsAndQueueAreFull_ThrowsSchedulerFull()
    {
        using var runtime = LlamaTestHost.CreateSingleSlotRuntime();
        var model = await runtime.LoadStoriesAsync();
        using var cts = new CancellationTokenSource();
        var running = model.StartEndless(cts.Token);
        var queued = model.StartEndless(cts.Token);

        var error = Assert.Throws<SchedulerFullException>(() => model.Generate(model.Raw("Once"), LlamaTestHost.Greedy40, CancellationToken.None));

        Assert.InRange(error.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        await cts.CancelAndDrainAsync(running, queued);
    }

    [Fact]
    public async Task Cancel_WhileQueued_LeavesTheQueue()
    {
        using var runtime = LlamaTestHost.CreateSingleSlotRuntime();
        var model = await runtime.LoadStoriesAsync();
        using var runningCts = new CancellationTokenSource();
        using var queuedCts = new CancellationTokenSource();
        var running = model.StartEndless(runningCts.Token);
        await using var runningChunks = running.GetAsyncEnumerator();
        Assert.True(await runningChunks.MoveNextAsync()); // it holds the slot now
        _ = model.StartEndless(queuedCts.Token);
        Assert.Equal(1, Assert.Single(runtime.Loaded).QueuedSequences);

        await queuedCts.CancelAsync();
        Assert.Equal(0, Assert.Single(runtime.Loaded).QueuedSequences);
        var next = model.RunAsync("Once upon a time", LlamaTestHost.Greedy40);
        await runningCts.CancelAsync();

        Assert.Equal(TestAssets.StoriesGreedy40, (await next.WaitAsync(TimeSpan.FromSeconds(10))).Text);
    }
}
