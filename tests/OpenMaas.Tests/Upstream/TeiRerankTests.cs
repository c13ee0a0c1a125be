using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Inference.Upstream;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Upstream;

/// <summary>Rerank on a Text Embeddings Inference deployment (<c>Api=tei</c>), against a scripted TEI: <c>/v1/rerank</c>
/// and the task API are translated to TEI's <c>POST /rerank</c> and back, the engine's scores unchanged.</summary>
[Trait("Category", "Slow")]
public sealed class TeiRerankTests(TeiRerankTests.Fixture tei) : IClassFixture<TeiRerankTests.Fixture>
{
    private const string Model = "test/tei-reranker";
    private const string Query = "bread and cheese";
    private static readonly string[] Documents = ["A man is riding a horse.", "Fresh bread with cheese.", "Cheese on a plate.", "Bread."];

    [Fact]
    public async Task V1Rerank_IsTranslatedToTeisShape_AndItsScoresComeBackUnchanged_BestFirst()
    {
        using var http = tei.Gateway.CreateClient();

        using var response = await http.PostAsJsonAsync("/v1/rerank", new
        {
            model = Model, query = Query, documents = new object[] { Documents[0], new { text = Documents[1] }, Documents[2], Documents[3] },
            top_n = 3, return_documents = true,
        });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, json.GetRawText());
        Assert.Equal("/rerank", tei.Engine.LastPath);
        Assert.Equal(Query, tei.Engine.LastJson.GetProperty("query").GetString());
        Assert.Equal(Documents, tei.Engine.LastJson.GetProperty("texts").EnumerateArray().Select(t => t.GetString()));
        Assert.False(tei.Engine.LastJson.GetProperty("return_text").GetBoolean());
        Assert.True(tei.Engine.LastJson.GetProperty("truncate").GetBoolean());
        Assert.False(tei.Engine.LastJson.TryGetProperty("model", out _));

        var scores = tei.Engine.LastScores;
        var expected = Enumerable.Range(0, Documents.Length).OrderByDescending(i => scores[i]).Take(3).ToArray();
        var results = json.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(expected, results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal(expected.Select(i => scores[i]), results.Select(r => r.GetProperty("relevance_score").GetSingle()));
        Assert.Equal(expected.Select(i => Documents[i]), results.Select(r => r.GetProperty("document").GetProperty("text").GetString()));
        Assert.Equal(Model, json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task TheTaskApi_ScoresOnTei_InTheDocumentsOrder()
    {
        using var http = tei.Gateway.CreateClient();

        using var response = await http.PostAsJsonAsync($"/api-inference/v1/models/{Model}",
            new { input = new { source_sentence = new[] { Query }, sentences_to_compare = Documents } });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, json.GetRawText());
        Assert.Equal(tei.Engine.LastScores, json.GetProperty("Data").GetProperty("scores").EnumerateArray().Select(s => s.GetSingle()));
    }

    [Fact]
    public async Task AnAnswerNotInTeisShape_Is502()
    {
        using var http = tei.Gateway.CreateClient();
        tei.Engine.Garbled = true;
        try
        {
            using var response = await http.PostAsJsonAsync("/v1/rerank", new { model = Model, query = Query, documents = Documents });

            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("upstream_error", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        }
        finally
        {
            tei.Engine.Garbled = false;
        }
    }

    [Fact]
    public async Task TheHealthProbe_AsksTeisHealth()
    {
        var endpoint = tei.Gateway.Services.GetRequiredService<UpstreamRegistry>().Get(Model).Single();

        Assert.Equal(UpstreamApis.Tei, endpoint.Target.Api);
        Assert.True(await tei.Gateway.Services.GetRequiredService<UpstreamInvoker>().ProbeAsync(endpoint, CancellationToken.None));
    }

    /// <summary>A real OpenMaaS whose <see cref="Model"/> (task text-ranking) is served by a scripted TEI.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public ScriptedTeiEngine Engine { get; private set; } = null!;

        public ServerFixture Gateway { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Engine = await ScriptedTeiEngine.StartAsync();
            Gateway = new Node(Engine);
            await Gateway.InitializeAsync();
            var registry = Gateway.Services.GetRequiredService<UpstreamRegistry>();
            for (var i = 0; i < 100 && registry.Get(Model).Length == 0; i++)
            {
                await Task.Delay(50);
            }
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Engine.DisposeAsync();
        }

        private sealed class Node(ScriptedTeiEngine engine) : ServerFixture
        {
            protected override IEnumerable<string> Settings =>
            [
                "Upstreams:HealthCheckSeconds=0.5",
                $"Upstreams:Models:{Model}:Task=text-ranking",
                $"Upstreams:Models:{Model}:Deployments:0:Url={engine.V1}",
                $"Upstreams:Models:{Model}:Deployments:0:Api=tei",
            ];
        }
    }
}
