using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenMaas.Tests.Quota;
using static OpenMaas.Tests.Onnx.OnnxTestHost;

namespace OpenMaas.Tests.Onnx;

/// <summary><c>POST /v1/rerank</c> on the real server with the built-in MiniLM, which ranks by cosine.</summary>
[Trait("Category", "Slow")]
public sealed class RerankApiTests(OnnxServerFixture server) : IClassFixture<OnnxServerFixture>
{
    private const string Model = OnnxServerFixture.MiniLm;
    private const string Horse = "A man is riding a horse.";

    private static readonly string[] Documents = [Baby, Horse, Bread, "A man is eating pasta."];

    [Fact]
    public async Task MiniLm_RanksByTheCosineOfItsOwnEmbeddings()
    {
        using var http = server.CreateClient();
        var embeddings = await EmbeddingsApiTests.PostAsync(http, JsonSerializer.Serialize(new { model = Model, input = (string[])[Food, .. Documents] }));
        var vectors = embeddings.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        var cosines = Documents.Select((_, i) => Cosine(vectors[0], vectors[i + 1])).ToArray();
        var expected = Enumerable.Range(0, Documents.Length).OrderByDescending(i => cosines[i]).ToArray();

        var result = await PostAsync(http, JsonSerializer.Serialize(new { model = Model, query = Food, documents = Documents }));

        var results = result.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(expected, results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(results, r => Assert.Equal(cosines[r.GetProperty("index").GetInt32()], r.GetProperty("relevance_score").GetSingle(), 5));
        Assert.All(results, r => Assert.False(r.TryGetProperty("document", out _)));

        // What the model says, not only what the test computed: bread beats babies (0.7553 against -0.105).
        Assert.Equal(0.7553, results.Single(r => r.GetProperty("index").GetInt32() == 2).GetProperty("relevance_score").GetDouble(), 3);
        Assert.Equal(0, results[^1].GetProperty("index").GetInt32());
        Assert.Equal(Model, result.GetProperty("model").GetString());
        Assert.StartsWith("rerank-", result.GetProperty("id").GetString());
        Assert.Equal(embeddings.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), result.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task CherryStudiosRequest_WithTopNAndDocumentObjects_AnswersTheBestFew_WithTheirText()
    {
        using var http = server.CreateClient();

        // As Cherry Studio's knowledge base sends it (Jina shape) at {base}/v1/rerank, and vLLM's root path.
        var body = $$"""{"model":"{{Model}}","query":"{{Food}}","documents":[{"text":"{{Baby}}"},{"text":"{{Bread}}"},"{{Horse}}"],"top_n":2,"return_documents":true}""";
        var v1 = await PostAsync(http, body);
        var root = await PostAsync(http, body, "/rerank");

        foreach (var result in new[] { v1, root })
        {
            var results = result.GetProperty("results");
            Assert.Equal(2, results.GetArrayLength());
            Assert.Equal(1, results[0].GetProperty("index").GetInt32());
            Assert.Equal(Bread, results[0].GetProperty("document").GetProperty("text").GetString());
            Assert.True(results[0].GetProperty("relevance_score").GetDouble() > results[1].GetProperty("relevance_score").GetDouble());
            Assert.Equal(results[1].GetProperty("index").GetInt32() == 0 ? Baby : Horse, results[1].GetProperty("document").GetProperty("text").GetString());
        }

        Assert.Equal(v1.GetProperty("results").ToString(), root.GetProperty("results").ToString());
    }

    [Fact]
    public async Task TopNBeyondTheDocuments_ReturnsThemAll()
    {
        using var http = server.CreateClient();

        var result = await PostAsync(http, JsonSerializer.Serialize(new { model = Model, query = Food, documents = Documents, top_n = 10 }));

        Assert.Equal(Documents.Length, result.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task ARerankCall_IsCountedOnce_AndLogged()
    {
        var (_, token) = await server.CreateUserAsync("rerank-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = server.CreateClient(token);

        using var response = await http.PostAsync("/v1/rerank", Json(JsonSerializer.Serialize(new { model = Model, query = Food, documents = Documents })));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("modelscope-ratelimit-requests-remaining"));
        var usage = await http.UsageAsync();
        Assert.Equal(1, usage.GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    public static TheoryData<string, string?> BadBodies() => new()
    {
        { $$"""{"model":"{{Model}}","documents":["a"]}""", "query" },
        { $$"""{"model":"{{Model}}","query":"","documents":["a"]}""", "query" },
        { $$"""{"model":"{{Model}}","query":5,"documents":["a"]}""", "query" },
        { $$"""{"model":"{{Model}}","query":"q"}""", "documents" },
        { $$"""{"model":"{{Model}}","query":"q","documents":[]}""", "documents" },
        { $$"""{"model":"{{Model}}","query":"q","documents":"a"}""", "documents" },
        { $$"""{"model":"{{Model}}","query":"q","documents":["a",5]}""", "documents[1]" },
        { $$"""{"model":"{{Model}}","query":"q","documents":[{"title":"a"}]}""", "documents[0]" },
        { $$"""{"model":"{{Model}}","query":"q","documents":["a"],"top_n":0}""", "top_n" },
        { $$"""{"model":"{{Model}}","query":"q","documents":["a"],"top_n":"x"}""", "top_n" },
        { $$"""{"model":"{{Model}}","query":"q","documents":{{JsonSerializer.Serialize(Enumerable.Repeat("a", OnnxServerFixture.MaxRerankDocuments + 1))}}}""", "documents" },
        { """{"model":"karpathy/stories260K","query":"q","documents":["a"]}""", "model" },
        { $$"""{"model":"{{OnnxServerFixture.Mnist}}","query":"q","documents":["a"]}""", "model" },
        { """{"query":"q","documents":["a"]}""", "model" },
        { "not json", null },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadInput_Is400_InTheOpenAIEnvelope_AndCostsNothing(string body, string? param)
    {
        var (_, token) = await server.CreateUserAsync("bad-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = server.CreateClient(token);

        using var response = await http.PostAsync("/v1/rerank", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var error = json.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task TheLimit_IsAllowed_AndNamedBeyondIt()
    {
        using var http = server.CreateClient();
        var max = OnnxServerFixture.MaxRerankDocuments;

        var atLimit = await PostAsync(http, JsonSerializer.Serialize(new { model = Model, query = Food, documents = Enumerable.Range(0, max).Select(i => $"Document {i}.") }));
        using var beyond = await http.PostAsync("/v1/rerank", Json(JsonSerializer.Serialize(new { model = Model, query = Food, documents = Enumerable.Range(0, max + 1).Select(i => $"Document {i}.") })));

        Assert.Equal(max, atLimit.GetProperty("results").GetArrayLength());
        var error = (await beyond.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("too_many_documents", error.GetProperty("code").GetString());
        Assert.Contains($"at most {max}", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task WithoutAToken_RootRerank_Is401_InTheOpenAIEnvelope()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.PostAsync("/rerank", Json(JsonSerializer.Serialize(new { model = Model, query = Food, documents = Documents })));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("error", out _));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> PostAsync(HttpClient http, string body, string path = "/v1/rerank")
    {
        using var response = await http.PostAsync(path, Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement;
    }
}
