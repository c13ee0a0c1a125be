using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Upstream;
using OpenMaas.Inference.Upstream;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Upstream;

/// <summary>A Text Embeddings Inference deployment registered with the real CLI (<c>openmaas model add-upstream …
/// --api tei</c>), stored in the database (the <c>Api</c> column) and read back into the router: <c>/v1/rerank</c>
/// goes to TEI's <c>POST /rerank</c> and the engine's scores come back unchanged. The engine is the FAKE
/// <see cref="ScriptedTeiEngine"/> (no TEI binary or reranker runs here). A bad <c>--api</c> is refused.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")]
public sealed class TeiCliRegistrationTests : IAsyncLifetime
{
    private const string Model = "test/tei-cli-reranker";
    private const string Query = "bread and cheese";
    private static readonly string[] Documents = ["A man is riding a horse.", "Fresh bread with cheese.", "Cheese on a plate.", "Bread."];

    private readonly Node _node = new();
    private ScriptedTeiEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _engine = await ScriptedTeiEngine.StartAsync();
        await _node.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task AnEngineAddedWithApiTei_IsStoredAsTei_AndRerankGetsItsScoresUnchanged()
    {
        var (rc, stdout, stderr) = await Cli.RunAsync(_node.DataPath, null,
            ["model", "add-upstream", Model, "--url", _engine.V1.ToString().TrimEnd('/'), "--task", "text-ranking", "--api", "tei"]);
        Assert.True(rc == 0, stdout + stderr);
        Assert.Contains("API tei", stdout, StringComparison.Ordinal);

        var stored = Assert.Single(await _node.Services.GetRequiredService<IUpstreamStore>().ListAsync(Model));
        Assert.Equal(UpstreamApis.Tei, stored.Api);
        var (listRc, listed, listErr) = await Cli.RunAsync(_node.DataPath, null, ["model", "list"]);
        Assert.True(listRc == 0, listed + listErr);
        var row = Assert.Single(listed.Split('\n'), l => l.StartsWith(Model + " ", StringComparison.Ordinal) && l.Contains("http://", StringComparison.Ordinal));
        Assert.Contains(" tei ", row, StringComparison.Ordinal);

        var registry = _node.Services.GetRequiredService<UpstreamRegistry>();
        await Eventually.WaitAsync(async () =>
        {
            await registry.ReloadAsync(CancellationToken.None);
            return registry.Get(Model).Any(e => e.Target.Api == UpstreamApis.Tei);
        }, $"the router to read {Model}'s deployment as Api=tei from the database");

        using var http = _node.CreateClient();
        using var response = await http.PostAsJsonAsync("/v1/rerank", new { model = Model, query = Query, documents = Documents, return_documents = true });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, json.GetRawText());
        Assert.Equal("/rerank", _engine.LastPath);
        Assert.Equal(Documents, _engine.LastJson.GetProperty("texts").EnumerateArray().Select(t => t.GetString()));
        var scores = _engine.LastScores;
        Assert.Equal(Documents.Length, scores.Length);
        var expected = Enumerable.Range(0, Documents.Length).OrderByDescending(i => scores[i]).ToArray();
        var results = json.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(expected, results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal(expected.Select(i => scores[i]), results.Select(r => r.GetProperty("relevance_score").GetSingle()));
        Assert.Equal(Model, json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task ABadApi_IsRefusedWithExitCode2_NamingTheAcceptedValues_AndNothingIsStored()
    {
        var (rc, stdout, stderr) = await Cli.RunAsync(_node.DataPath, null,
            ["model", "add-upstream", Model, "--url", _engine.V1.ToString().TrimEnd('/'), "--task", "text-ranking", "--api", "grpc"]);

        Assert.True(rc == 2, $"exit {rc}: {stdout}{stderr}");
        Assert.Contains("--api 'grpc'", stderr, StringComparison.Ordinal);
        Assert.Contains("openai", stderr, StringComparison.Ordinal);
        Assert.Contains("tei", stderr, StringComparison.Ordinal);
        Assert.Empty(await _node.Services.GetRequiredService<IUpstreamStore>().ListAsync(Model));
    }

    private sealed class Node : ServerFixture
    {
        protected override bool RegisterStories => false;

        protected override IEnumerable<string> Settings => ["Upstreams:HealthCheckSeconds=0.5"];
    }
}
