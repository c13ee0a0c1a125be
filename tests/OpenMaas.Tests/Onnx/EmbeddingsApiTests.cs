using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Embeddings;
using OpenMaas.Inference.Hosting;
using OpenMaas.Inference.Onnx;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;
using static OpenMaas.Tests.Onnx.OnnxTestHost;

namespace OpenMaas.Tests.Onnx;

/// <summary><c>POST /v1/embeddings</c> on the real server with the built-in MiniLM.</summary>
[Trait("Category", "Slow")]
public sealed class EmbeddingsApiTests(OnnxServerFixture server) : IClassFixture<OnnxServerFixture>
{
    private const string Model = OnnxServerFixture.MiniLm;

    [Fact]
    public async Task OpenAISdk_GetsTheKnownCosines()
    {
        var client = new EmbeddingClient(Model, new ApiKeyCredential(server.ApiKey), new OpenAIClientOptions { Endpoint = server.V1 });

        var result = await client.GenerateEmbeddingsAsync([Food, Bread, Baby]);

        var vectors = result.Value.Select(e => e.ToFloats().ToArray()).ToArray();
        Assert.Equal(384, vectors[0].Length);
        Assert.Equal(0.7553, Cosine(vectors[0], vectors[1]), 3);
        Assert.InRange(Cosine(vectors[0], vectors[2]), -0.1060, -0.1040);
        Assert.Equal(8 + 11 + 9, result.Value.Usage.InputTokenCount);
    }

    [Fact]
    public async Task EveryInputShape_IsAccepted_AndCountsTokens()
    {
        using var http = server.CreateClient();

        var one = await PostAsync(http, $$"""{"model":"{{Model}}","input":"{{Food}}","encoding_format":"float"}""");
        var many = await PostAsync(http, $$"""{"model":"{{Model}}","input":["{{Food}}","{{Bread}}"]}""");
        var tokens = await PostAsync(http, $$"""{"model":"{{Model}}","input":[1037,2158,2003,5983,2833,1012]}""");
        var tokenArrays = await PostAsync(http, $$"""{"model":"{{Model}}","input":[[1037,2158,2003,5983,2833,1012],[1037]]}""");

        Assert.Equal(8, one.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(8, one.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal("list", one.GetProperty("object").GetString());
        Assert.Equal(Model, one.GetProperty("model").GetString());
        Assert.Equal(2, many.GetProperty("data").GetArrayLength());
        Assert.Equal(1, many.GetProperty("data")[1].GetProperty("index").GetInt32());
        Assert.Equal(Vector(one, 0), Vector(tokens, 0));
        Assert.Equal(Vector(one, 0), Vector(tokenArrays, 0));
        Assert.Equal(8 + 3, tokenArrays.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Base64_DecodesToTheFloatVector()
    {
        using var http = server.CreateClient();

        var floats = await PostAsync(http, $$"""{"model":"{{Model}}","input":"{{Bread}}","encoding_format":"float"}""");
        var base64 = await PostAsync(http, $$"""{"model":"{{Model}}","input":"{{Bread}}","encoding_format":"base64"}""");

        var bytes = Convert.FromBase64String(base64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, decoded, 0, bytes.Length);
        Assert.Equal(Vector(floats, 0), decoded);
    }

    [Fact]
    public async Task LongInput_IsTruncated_AndReportsTheTokensUsed()
    {
        using var http = server.CreateClient();
        var text = string.Join(' ', Enumerable.Repeat("bread", 600));

        var result = await PostAsync(http, $$"""{"model":"{{Model}}","input":"{{text}}"}""");

        Assert.Equal(256, result.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Batched_EqualsOneByOne()
    {
        using var http = server.CreateClient();
        string[] texts = [Food, Bread, Baby, "A longer sentence, which makes the others padded inside the batch."];

        var batched = await PostAsync(http, JsonSerializer.Serialize(new { model = Model, input = texts }));

        for (var i = 0; i < texts.Length; i++)
        {
            var alone = Vector(await PostAsync(http, JsonSerializer.Serialize(new { model = Model, input = texts[i] })), 0);
            var inBatch = Vector(batched, i);
            Assert.All(alone.Zip(inBatch), p => Assert.InRange(p.First - p.Second, -1e-5f, 1e-5f));
        }
    }

    [Fact]
    public async Task EightConcurrentRequests_ShareModelRuns()
    {
        using var http = server.CreateClient();
        await PostAsync(http, $$"""{"model":"{{Model}}","input":"warm up"}""");
        var model = server.Services.GetRequiredService<ModelHost>().Loaded.OfType<OnnxModel>().Single(m => m.Id == Model);
        var before = model.Runs;

        var calls = Enumerable.Range(0, 8).Select(i => PostAsync(http, $$"""{"model":"{{Model}}","input":"Concurrent sentence {{i}}."}""")).ToList();
        await Task.WhenAll(calls);

        Assert.InRange(model.Runs - before, 1, 7);
    }

    public static TheoryData<string, string?> BadBodies() => new()
    {
        { $$"""{"model":"{{Model}}"}""", "input" },
        { $$"""{"model":"{{Model}}","input":""}""", "input" },
        { $$"""{"model":"{{Model}}","input":[]}""", "input" },
        { $$"""{"model":"{{Model}}","input":5}""", "input" },
        { $$"""{"model":"{{Model}}","input":[["a"]]}""", "input[0][0]" },
        { $$"""{"model":"{{Model}}","input":["a",[1,2]]}""", "input" },
        { $$"""{"model":"{{Model}}","input":[-1]}""", "input[0]" },
        { $$"""{"model":"{{Model}}","input":[99999999]}""", "input[0]" },
        { $$"""{"model":"{{Model}}","input":"a","encoding_format":"int8"}""", "encoding_format" },
        { $$"""{"model":"{{Model}}","input":"a","dimensions":128}""", "dimensions" },
        { $$"""{"model":"{{Model}}","input":"a","dimensions":"x"}""", "dimensions" },
        { $$"""{"model":"{{Model}}","input":{{JsonSerializer.Serialize(Enumerable.Repeat("a", 2049))}}}""", "input" },
        { """{"model":"karpathy/stories260K","input":"a"}""", "model" },
        { """{"input":"a"}""", "model" },
        { "not json", null },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadInput_Is400_InTheOpenAIEnvelope_AndCostsNothing(string body, string? param)
    {
        var (user, token) = await server.CreateUserAsync("bad-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = server.CreateClient(token);

        using var response = await http.PostAsync("/v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        var usage = await server.CreateClient(token).UsageAsync();
        Assert.Equal(0, usage.GetProperty("todayUsage").GetProperty("used").GetInt32());
        using var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        _ = user;
    }

    [Fact]
    public async Task DimensionsOfTheModel_AreHonoured()
    {
        using var http = server.CreateClient();

        var result = await PostAsync(http, $$"""{"model":"{{Model}}","input":"a","dimensions":384}""");

        Assert.Equal(384, Vector(result, 0).Length);
    }

    [Fact]
    public async Task QuotaOfN_AdmitsExactlyNEmbeddingCalls()
    {
        var (user, token) = await server.CreateUserAsync("quota-" + Guid.NewGuid().ToString("N")[..8]);
        await server.SetLimitAsync(user.Id, null, 3);
        using var http = server.CreateClient(token);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var response = await http.PostAsync("/v1/embeddings", new StringContent($$"""{"model":"{{Model}}","input":"call {{i}}"}""", Encoding.UTF8, "application/json"));
            return response.StatusCode;
        }));

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(3, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task OpenAINpmClient_Base64Default_AndFloat()
    {
        var (exit, output) = await Node.RunAsync("embeddings.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = server.V1.ToString().TrimEnd('/'),
            ["API_KEY"] = server.ApiKey,
            ["MODEL"] = Model,
        });

        Assert.True(exit == 0, output);
        Assert.Contains("SUMMARY OK", output);
    }

    [Fact]
    public async Task ModelsList_ShowsTheEmbeddingModel()
    {
        using var http = server.CreateClient();

        var models = await http.GetFromJsonAsync<JsonElement>("/v1/models");

        Assert.Contains(models.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == Model);
    }

    internal static async Task<JsonElement> PostAsync(HttpClient http, string body)
    {
        using var response = await http.PostAsync("/v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static float[] Vector(JsonElement result, int index) =>
        [.. result.GetProperty("data")[index].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];
}
