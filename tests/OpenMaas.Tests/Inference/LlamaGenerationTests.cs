using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Llama;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Inference;

[Collection(LlamaCollection.Name)]
[Trait("Category", "Slow")]
public sealed class LlamaGenerationTests : IDisposable
{
    private readonly LlamaRuntime _runtime = LlamaTestHost.CreateRuntime();

    public void Dispose() => _runtime.Dispose();

    [Fact]
    public async Task Generate_RawGreedy40_MatchesTheKnownContinuation()
    {
        var model = await _runtime.LoadStoriesAsync();

        var result = await model.RunAsync("Once upon a time", LlamaTestHost.Greedy40);

        Assert.Equal(TestAssets.StoriesGreedy40, result.Text);
        Assert.Equal(FinishReason.Length, result.Finish);
        Assert.Equal(5, result.Final.PromptTokens);
        Assert.Equal(40, result.Final.CompletionTokens);
    }

    [Fact]
    public async Task Prepare_ChatWithoutTemplate_FallsBackToThePlainText()
    {
        var model = await _runtime.LoadStoriesAsync();

        var prompt = model.Prepare(new PromptInput.Chat([new ChatMessage("user", "Once upon a time")]));
        var result = await model.Generate(prompt, LlamaTestHost.Greedy40, CancellationToken.None).CollectAsync();

        Assert.Equal("Once upon a time", prompt.Text);
        Assert.Equal([1, 403, 407, 261, 378], prompt.Tokens);
        Assert.Equal(TestAssets.StoriesGreedy40, result.Text);
    }

    [Fact]
    public async Task Prepare_ChatJoinsMessageContentsWithNewlines()
    {
        var model = await _runtime.LoadStoriesAsync();

        var prompt = model.Prepare(new PromptInput.Chat([new ChatMessage("system", "A story."), new ChatMessage("user", "Once")]));

        Assert.Equal("A story.\nOnce", prompt.Text);
        Assert.Equal(1, prompt.Tokens[0]);
    }

    [Fact]
    public async Task Generate_StreamsSeveralChunksThatAddUpToTheText()
    {
        var model = await _runtime.LoadStoriesAsync();
        var pieces = new List<GenerationChunk>();

        await foreach (var chunk in model.Generate(model.Raw("Once upon a time"), LlamaTestHost.Greedy40, CancellationToken.None))
        {
            pieces.Add(chunk);
        }

        Assert.True(pieces.Count > 10, $"only {pieces.Count} chunks");
        Assert.All(pieces[..^1], c => Assert.Null(c.Finish));
        Assert.Equal(FinishReason.Length, pieces[^1].Finish);
        Assert.Equal(TestAssets.StoriesGreedy40, string.Concat(pieces.Select(c => c.Text)));
    }

    [Fact]
    public async Task Generate_StopString_TruncatesBeforeItAndFinishesWithStop()
    {
        var model = await _runtime.LoadStoriesAsync();

        var named = await model.RunAsync("Once upon a time", LlamaTestHost.Greedy40 with { Stop = ["Lily"] });
        var spanning = await model.RunAsync("Once upon a time", LlamaTestHost.Greedy40 with { Stop = ["girl named", "zzz"] });

        Assert.Equal(", there was a little girl named ", named.Text);
        Assert.Equal(FinishReason.Stop, named.Finish);
        Assert.InRange(named.Final.CompletionTokens, 1, 39);
        Assert.Equal(", there was a little ", spanning.Text);
        Assert.Equal(FinishReason.Stop, spanning.Finish);
    }

    [Fact]
    public async Task Generate_SameSeedAndTemperature_Reproduces()
    {
        var model = await _runtime.LoadStoriesAsync();
        var sampling = new SamplingOptions { Temperature = 0.9f, TopP = 0.95f, TopK = 40, MaxTokens = 40, Seed = 42, FrequencyPenalty = 0.2f };

        var first = await model.RunAsync("Once upon a time", sampling);
        var second = await model.RunAsync("Once upon a time", sampling);
        var others = await Task.WhenAll(Enumerable.Range(1, 3).Select(s => model.RunAsync("Once upon a time", sampling with { Seed = (uint)(1000 + s) })));

        Assert.Equal(first.Text, second.Text);
        Assert.Contains(others, o => o.Text != first.Text);
    }

    [Fact]
    public async Task Generate_MaxTokensBeyondTheContext_IsClippedWithLength()
    {
        using var runtime = LlamaTestHost.CreateRuntime(o => o.ContextSize = 32);
        var model = await runtime.LoadStoriesAsync();

        var result = await model.RunAsync("Once upon a time", new SamplingOptions { Temperature = 0, MaxTokens = 1000, IgnoreEos = true });

        Assert.Equal(32, model.ContextLength);
        Assert.Equal(FinishReason.Length, result.Finish);
        Assert.Equal(27, result.Final.CompletionTokens);
    }

    [Fact]
    public async Task Generate_PromptTooLong_ThrowsWithBothNumbers()
    {
        using var runtime = LlamaTestHost.CreateRuntime(o => o.ContextSize = 16);
        var model = await runtime.LoadStoriesAsync();
        var prompt = model.Raw(string.Join(' ', Enumerable.Repeat("Once upon a time", 10)));

        var error = Assert.Throws<PromptTooLongException>(() => model.Generate(prompt, LlamaTestHost.Greedy40, CancellationToken.None));

        Assert.Equal(prompt.TokenCount, error.PromptTokens);
        Assert.Equal(16, error.ContextLength);
    }

    [Fact]
    public async Task Generate_LongPromptPrefilledInChunks_GivesTheSameText()
    {
        const string Prompt = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";
        using var small = LlamaTestHost.CreateRuntime(o => o.BatchSize = 8);
        var chunked = await small.LoadStoriesAsync();
        var whole = await _runtime.LoadStoriesAsync();

        var expected = await whole.RunAsync(Prompt, LlamaTestHost.Greedy40);
        var actual = await chunked.RunAsync(Prompt, LlamaTestHost.Greedy40);

        Assert.True(chunked.Raw(Prompt).TokenCount > 16);
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Final, actual.Final);
    }
}

[CollectionDefinition(Name)]
public sealed class LlamaCollection
{
    public const string Name = "llama";
}
