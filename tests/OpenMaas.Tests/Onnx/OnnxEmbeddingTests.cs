using OpenMaas.Inference.Onnx;
using static OpenMaas.Tests.Onnx.OnnxTestHost;

namespace OpenMaas.Tests.Onnx;

[Trait("Category", "Slow")]
public sealed class OnnxEmbeddingTests
{
    [Fact]
    public async Task MiniLm_KnownCosines()
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadEmbeddingAsync();

        var food = await model.EmbedOneAsync(Food);
        var bread = await model.EmbedOneAsync(Bread);
        var baby = await model.EmbedOneAsync(Baby);

        Assert.Equal(384, model.Dimensions);
        Assert.Equal(384, food.Length);
        Assert.Equal(0.7553, Cosine(food, bread), 3);
        Assert.InRange(Cosine(food, baby), -0.1060, -0.1040);
        Assert.Equal(1.0, Math.Sqrt(food.Sum(x => (double)x * x)), 5);
    }

    [Fact]
    public async Task MiniLm_TokenizesWithoutSpecialTokens_AndCountsThem()
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadEmbeddingAsync();

        var tokens = model.Tokenize(Food);
        var result = await model.EmbedAsync([tokens], CancellationToken.None);

        Assert.Equal([1037, 2158, 2003, 5983, 2833, 1012], tokens);
        Assert.Equal(8, result[0].Tokens); // [CLS] … [SEP]
    }

    [Fact]
    public async Task Batched_EqualsOneByOne()
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadEmbeddingAsync();
        string[] texts = [Food, Bread, Baby, "A much longer sentence, so that the batch needs padding for the shorter ones in it."];

        var batched = await model.EmbedAsync([.. texts.Select(model.Tokenize)], CancellationToken.None);

        for (var i = 0; i < texts.Length; i++)
        {
            var alone = await model.EmbedOneAsync(texts[i]);
            for (var d = 0; d < alone.Length; d++)
            {
                Assert.InRange(batched[i].Vector[d] - alone[d], -1e-5f, 1e-5f);
            }
        }
    }

    [Fact]
    public async Task MixedLengthBatch_RunsInLengthBuckets_AndEqualsEachInputAlone()
    {
        // The batch is full (6 inputs) before the long wait ends, so it is one batch: the short inputs and the long ones
        // go to separate runs, each padded to its own longest input.
        var (host, runtime) = Create(o => (o.MaxBatchInputs, o.BatchWaitMilliseconds) = (6, 1000));
        using var _ = host;
        var model = await runtime.LoadEmbeddingAsync();
        var longText = string.Join(' ', Enumerable.Repeat("The old teacher painted a small boat near the river before dawn.", 12));
        string[] texts = [Food, longText, Bread, Baby, longText + " Then he slept.", "A dog."];
        var before = ((OnnxModel)model).Runs;

        var batched = await model.EmbedAsync([.. texts.Select(model.Tokenize)], CancellationToken.None);

        Assert.Equal(2, ((OnnxModel)model).Runs - before);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = await model.EmbedOneAsync(texts[i]);
            Assert.Equal(model.Tokenize(texts[i]).Count + 2, batched[i].Tokens);
            for (var d = 0; d < alone.Length; d++)
            {
                Assert.InRange(batched[i].Vector[d] - alone[d], -1e-4f, 1e-4f);
            }
        }
    }

    [Fact]
    public async Task ConcurrentRequests_ShareModelRuns()
    {
        var (host, runtime) = Create(o => o.BatchWaitMilliseconds = 20);
        using var _ = host;
        var model = await runtime.LoadEmbeddingAsync();
        var before = ((OnnxModel)model).Runs;

        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await model.EmbedAsync([model.Tokenize($"Sentence number {i} about food.")], CancellationToken.None);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(384, r[0].Vector.Length));
        Assert.InRange(((OnnxModel)model).Runs - before, 1, 7);
    }

    [Fact]
    public async Task LongInput_IsTruncatedToTheWindow()
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadEmbeddingAsync();
        var tokens = model.Tokenize(string.Join(' ', Enumerable.Repeat("food", 1000)));

        var result = await model.EmbedAsync([tokens], CancellationToken.None);

        Assert.Equal(1000, tokens.Count);
        Assert.Equal(254, model.MaxInputTokens);
        Assert.Equal(256, result[0].Tokens);
    }

    [Fact]
    public async Task EmbeddedModel_IsExtractedBesideTheConfig()
    {
        var (host, runtime) = Create();
        using var _ = host;
        await runtime.LoadEmbeddingAsync();

        var folder = Path.GetDirectoryName(MiniLm().FilePath)!;
        Assert.Equal(90_893_304, new FileInfo(Path.Combine(folder, "model.onnx")).Length);
        Assert.Equal(30_522, File.ReadLines(Path.Combine(folder, "vocab.txt")).Count());
    }
}
