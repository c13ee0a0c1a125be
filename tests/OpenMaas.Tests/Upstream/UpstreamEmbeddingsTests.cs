using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Onnx;
using static OpenMaas.Tests.Upstream.OpenMaasUpstreamTests;

namespace OpenMaas.Tests.Upstream;

/// <summary>Embeddings through a gateway whose upstream OpenMaaS serves the built-in MiniLM, and the Model ID the
/// client called (not the engine's name) in every answer and chunk.</summary>
[Collection(OpenMaasUpstreamCollection.Name)]
[Trait("Category", "Slow")]
public sealed class UpstreamEmbeddingsTests(OpenMaasUpstreamFixture nodes)
{
    private static readonly string[] Inputs = [OnnxTestHost.Food, OnnxTestHost.Bread, OnnxTestHost.Baby];

    [Theory]
    [InlineData("float")]
    [InlineData("base64")]
    public async Task Embeddings_EqualTheDirectVectors_AndTheGatewayRecordsTheEnginesTokens(string encoding)
    {
        using var direct = nodes.Engine.CreateClient();
        using var gateway = nodes.Gateway.CreateClient();
        var expected = await JsonAsync(await direct.PostAsJsonAsync("/v1/embeddings", new { model = OnnxServerFixture.MiniLm, input = Inputs, encoding_format = encoding }));
        using var response = await gateway.PostAsJsonAsync("/v1/embeddings", new { model = OpenMaasUpstreamFixture.RenamedMiniLm, input = Inputs, encoding_format = encoding });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var actual = await JsonAsync(response);

        Assert.Equal(OpenMaasUpstreamFixture.RenamedMiniLm, actual.GetProperty("model").GetString());
        Assert.Equal(Inputs.Length, actual.GetProperty("data").GetArrayLength());
        for (var i = 0; i < Inputs.Length; i++)
        {
            var want = Vector(expected, i);
            var got = Vector(actual, i);
            Assert.Equal(384, got.Length);
            Assert.All(want.Zip(got), p => Assert.InRange(p.Second, p.First - 1e-6f, p.First + 1e-6f));
        }

        var tokens = expected.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.Equal(8 + 11 + 9, tokens);
        Assert.Equal(tokens, actual.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        var record = await nodes.Gateway.RecordAsync(response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal(tokens, record.PromptTokens);
        Assert.Equal(0, record.CompletionTokens);
        Assert.True(record.Counted);
        Assert.Equal(200, record.Status);
    }

    [Fact]
    public async Task EnginesBadRequest_OnEmbeddings_IsPassedOn_AndCostsNothing()
    {
        using var gateway = nodes.Gateway.CreateClient();
        using var response = await gateway.PostAsJsonAsync("/v1/embeddings", new { model = OpenMaasUpstreamFixture.RenamedMiniLm, input = "hi", dimensions = 100 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response)).GetProperty("error");
        Assert.Contains("384-dimensional", error.GetProperty("message").GetString());
        Assert.False((await nodes.Gateway.RecordAsync(response.Headers.GetValues("X-Request-Id").Single())).Counted);
    }

    [Fact]
    public async Task AModelRegisteredForAnotherTask_IsAClear400_OnEitherEndpoint()
    {
        using var gateway = nodes.Gateway.CreateClient();
        using var embed = await gateway.PostAsJsonAsync("/v1/embeddings", new { model = TestAssets.StoriesId, input = "hi" });
        using var chat = await gateway.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = OpenMaasUpstreamFixture.RenamedMiniLm, messages = new[] { new { role = "user", content = "hi" } },
        });

        foreach (var (response, model, task) in new[] { (embed, TestAssets.StoriesId, "text-generation"), (chat, OpenMaasUpstreamFixture.RenamedMiniLm, "sentence-embedding") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
            Assert.Equal("model_not_supported", error.GetProperty("code").GetString());
            Assert.Equal($"Model '{model}' (upstream, task {task}) cannot be served by this endpoint.", error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task ChatAnswer_NamesTheModelIdCalled_NotTheEnginesName()
    {
        using var gateway = nodes.Gateway.CreateClient();
        using var direct = nodes.Engine.CreateClient();
        var expected = await JsonAsync(await direct.PostAsJsonAsync("/v1/chat/completions", Chat(TestAssets.StoriesId, stream: false)));
        var actual = await JsonAsync(await gateway.PostAsJsonAsync("/v1/chat/completions", Chat(OpenMaasUpstreamFixture.RenamedStories, stream: false)));

        Assert.Equal(OpenMaasUpstreamFixture.RenamedStories, actual.GetProperty("model").GetString());
        Assert.Equal(expected.GetProperty("choices").ToString(), actual.GetProperty("choices").ToString());
        Assert.Equal(expected.GetProperty("usage").ToString(), actual.GetProperty("usage").ToString());
    }

    [Fact]
    public async Task EveryStreamedChunk_NamesTheModelIdCalled()
    {
        using var gateway = nodes.Gateway.CreateClient();
        using var direct = nodes.Engine.CreateClient();
        var expected = await StreamAsync(direct, "/v1/chat/completions", Chat(TestAssets.StoriesId, stream: true));
        using var response = await SendStreamAsync(gateway, "/v1/chat/completions", Chat(OpenMaasUpstreamFixture.RenamedStories, stream: true));
        var models = new List<string?>();
        var text = new System.Text.StringBuilder();
        await foreach (var data in Sse.ReadDataAsync(response))
        {
            if (data == "[DONE]")
            {
                continue;
            }

            using var chunk = JsonDocument.Parse(data);
            models.Add(chunk.RootElement.GetProperty("model").GetString());
            foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
            {
                text.Append(choice.GetProperty("delta").TryGetProperty("content", out var c) ? c.GetString() : null);
            }
        }

        Assert.Equal(expected.Events, models.Count); // the usage chunk included
        Assert.All(models, m => Assert.Equal(OpenMaasUpstreamFixture.RenamedStories, m));
        Assert.Equal(expected.Text, text.ToString());
    }

    private static object Chat(string model, bool stream) => new
    {
        model,
        messages = new[] { new { role = "user", content = "Once upon a time" } },
        max_tokens = 20,
        temperature = 0,
        stream,
        stream_options = stream ? new { include_usage = true } : null,
    };

    private static float[] Vector(JsonElement result, int index)
    {
        var embedding = result.GetProperty("data")[index].GetProperty("embedding");
        if (embedding.ValueKind == JsonValueKind.Array)
        {
            return [.. embedding.EnumerateArray().Select(v => v.GetSingle())];
        }

        var bytes = Convert.FromBase64String(embedding.GetString()!);
        return [.. Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4)))];
    }
}
