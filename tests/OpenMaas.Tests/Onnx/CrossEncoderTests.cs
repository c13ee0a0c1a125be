using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Onnx;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Onnx;

/// <summary>A cross-encoder (task <c>text-ranking</c>) added with <c>model add DIR --task text-ranking</c> and served
/// on <c>/v1/rerank</c> and the task API. The model is <see cref="SyntheticCrossEncoder"/> (no real cross-encoder is in
/// ../shared): its scores are a known function of the pair's segments, so the encoding, batching and sigmoid are
/// checked end to end; a real model's quality is not.</summary>
[Trait("Category", "Slow")]
public sealed class CrossEncoderTests : IAsyncLifetime
{
    private const string Model = "test/synthetic-cross-encoder";
    private readonly CrossEncoderServer _server = new();

    // "a man" is 2 tokens; the documents 1, 4 and 7.
    private static readonly (string Text, int Tokens)[] Documents = [("food", 1), ("a man is eating", 4), ("a man is eating a piece of", 7)];

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public void ModelAdd_WritesTheRankingConfig_FromTheGraph()
    {
        var config = OnnxTaskConfig.Read(Path.Combine(_server.DataPath, "models", "test", "synthetic-cross-encoder", OnnxTaskConfig.FileName));

        Assert.Equal(OnnxTasks.TextRanking, config.Task);
        Assert.Equal("logits", config.Ranking!.Output);
        Assert.Equal("token_type_ids", config.Ranking.TokenTypeIds);
        Assert.True(config.Ranking.Sigmoid);
    }

    [Fact]
    public async Task Rerank_ScoresEachPairThroughTheModel_BestFirst()
    {
        using var http = _server.CreateClient();

        using var response = await http.PostAsJsonAsync("/v1/rerank", new { model = Model, query = "a man", documents = Documents.Select(d => d.Text) });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var results = JsonDocument.Parse(text).RootElement.GetProperty("results").EnumerateArray().ToArray();

        Assert.Equal([2, 1, 0], results.Select(r => r.GetProperty("index").GetInt32()));
        foreach (var r in results)
        {
            var doc = Documents[r.GetProperty("index").GetInt32()];
            Assert.Equal(SyntheticCrossEncoder.Score(2, doc.Tokens), r.GetProperty("relevance_score").GetDouble(), 5);
        }

        // Every pair's tokens: [CLS] q [SEP] d [SEP].
        Assert.Equal(Documents.Sum(d => 2 + d.Tokens + 3), JsonDocument.Parse(text).RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task TaskApi_AnswersTextRanking_InModelScopesShape()
    {
        using var http = _server.CreateClient();
        var body = JsonSerializer.Serialize(new { input = new { source_sentence = new[] { "a man" }, sentences_to_compare = Documents.Select(d => d.Text) } });

        using var response = await http.PostAsync($"/api-inference/v1/models/{Model}", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(200, json.GetProperty("Code").GetInt32());
        var scores = json.GetProperty("Data").GetProperty("scores").EnumerateArray().Select(s => s.GetDouble()).ToArray();
        Assert.Equal(Documents.Length, scores.Length);
        for (var i = 0; i < Documents.Length; i++)
        {
            Assert.Equal(SyntheticCrossEncoder.Score(2, Documents[i].Tokens), scores[i], 5);
        }
    }

    [Fact]
    public async Task TaskApi_APlainString_IsA400_InTheEnvelope()
    {
        using var http = _server.CreateClient();

        using var response = await http.PostAsync($"/api-inference/v1/models/{Model}", new StringContent("""{"input":"a man"}""", Encoding.UTF8, "application/json"));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, json.GetProperty("Code").GetInt32());
        Assert.Contains("sentences_to_compare", json.GetProperty("Message").GetString());
    }

    private sealed class CrossEncoderServer : ServerFixture
    {
        protected override bool RegisterStories => false;

        protected override IEnumerable<string> Settings => ["Onnx:BuiltInEmbeddingModel=false", "Onnx:BatchWaitMilliseconds=20"];

        protected override async Task SeedAsync()
        {
            var folder = SyntheticCrossEncoder.WriteFolder();
            var (rc, stdout, stderr) = await Cli.RunAsync(DataPath, null, "model", "add", folder, "--id", Model, "--task", OnnxTasks.TextRanking);
            Assert.True(rc == 0, stdout + stderr);
        }
    }
}
