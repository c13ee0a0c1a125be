using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMaas.Tests.Onnx;
using static OpenMaas.Tests.Upstream.OpenMaasUpstreamTests;

namespace OpenMaas.Tests.Upstream;

/// <summary>Rerank through a gateway whose engine (another OpenMaaS) ranks with the built-in MiniLM: the request and
/// the engine's scores pass through unchanged, under the Model ID the client called.</summary>
[Collection(OpenMaasUpstreamCollection.Name)]
[Trait("Category", "Slow")]
public sealed class UpstreamRerankTests(OpenMaasUpstreamFixture nodes)
{
    private static readonly object Body = new
    {
        query = OnnxTestHost.Food,
        documents = new object[] { OnnxTestHost.Baby, new { text = OnnxTestHost.Bread }, "A man is riding a horse." },
        top_n = 2,
        return_documents = true,
    };

    [Fact]
    public async Task EnginesScores_PassThroughUnchanged_AndTheGatewayRecordsItsTokens()
    {
        using var direct = nodes.Engine.CreateClient();
        using var gateway = nodes.Gateway.CreateClient();
        var expected = await JsonAsync(await direct.PostAsJsonAsync("/v1/rerank", With(OnnxServerFixture.MiniLm)));

        using var response = await gateway.PostAsJsonAsync("/v1/rerank", With(OpenMaasUpstreamFixture.RerankMiniLm));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var actual = await JsonAsync(response);

        Assert.Equal(OpenMaasUpstreamFixture.RerankMiniLm, actual.GetProperty("model").GetString());
        Assert.Equal(expected.GetProperty("results").GetRawText(), actual.GetProperty("results").GetRawText());
        Assert.Equal(2, actual.GetProperty("results").GetArrayLength());
        var tokens = expected.GetProperty("usage").GetProperty("total_tokens").GetInt32();
        var record = await nodes.Gateway.RecordAsync(response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal(tokens, record.PromptTokens);
        Assert.True(record.Counted);
        Assert.Equal("rerank", record.Endpoint);
    }

    [Fact]
    public async Task TheTaskApi_AnswersAnEnginesTextRankingModel_InModelScopesShape_ScoresInTheDocumentsOrder()
    {
        using var direct = nodes.Engine.CreateClient();
        using var gateway = nodes.Gateway.CreateClient();
        string[] documents = [OnnxTestHost.Baby, OnnxTestHost.Bread, "A man is riding a horse."];
        var expected = await JsonAsync(await direct.PostAsJsonAsync("/v1/rerank", new { model = OnnxServerFixture.MiniLm, query = OnnxTestHost.Food, documents }));
        var byIndex = expected.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("index").GetInt32(), r => r.GetProperty("relevance_score").GetSingle());

        using var response = await gateway.PostAsJsonAsync($"/api-inference/v1/models/{OpenMaasUpstreamFixture.RerankMiniLm}",
            new { input = new { source_sentence = new[] { OnnxTestHost.Food }, sentences_to_compare = documents } });
        var json = await JsonAsync(response);

        Assert.Equal(200, json.GetProperty("Code").GetInt32());
        var scores = json.GetProperty("Data").GetProperty("scores").EnumerateArray().Select(s => s.GetSingle()).ToArray();
        Assert.Equal(Enumerable.Range(0, documents.Length).Select(i => byIndex[i]), scores);
    }

    [Fact]
    public async Task AnEmbeddingModelOfAnEngine_IsNotARerankModel_AndTheRerankModelNoEmbeddingOne()
    {
        using var gateway = nodes.Gateway.CreateClient();

        using var rerank = await gateway.PostAsJsonAsync("/v1/rerank", With(OpenMaasUpstreamFixture.RenamedMiniLm));
        using var embed = await gateway.PostAsJsonAsync("/v1/embeddings", new { model = OpenMaasUpstreamFixture.RerankMiniLm, input = "hi" });

        foreach (var response in new[] { rerank, embed })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("model_not_supported", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        }
    }

    private static Dictionary<string, object> With(string model)
    {
        var body = JsonSerializer.SerializeToElement(Body).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
        body["model"] = model;
        return body;
    }
}
