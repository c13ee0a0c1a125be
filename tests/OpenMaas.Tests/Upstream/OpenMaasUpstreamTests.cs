using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Inference.Llama;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Upstream;

/// <summary>A gateway OpenMaaS in front of another OpenMaaS serving stories260K: answers match direct calls token for
/// token, the engine's token counts are recorded on the gateway, a client leaving stops the engine.</summary>
[Collection(OpenMaasUpstreamCollection.Name)]
[Trait("Category", "Slow")]
public sealed class OpenMaasUpstreamTests(OpenMaasUpstreamFixture nodes)
{
    private static object Chat(bool stream, bool usage = false, int maxTokens = 30) => new
    {
        model = TestAssets.StoriesId,
        messages = new[] { new { role = "user", content = "Once upon a time" } },
        max_tokens = maxTokens,
        temperature = 0,
        stream,
        stream_options = usage ? new { include_usage = true } : null,
    };

    [Fact]
    public async Task Models_ShowCapabilities_DeclaredForEngines_StructuredOutputForLocalGguf()
    {
        using var gateway = nodes.Gateway.CreateClient();
        var listed = await gateway.GetFromJsonAsync<JsonElement>("/v1/models");
        var renamed = listed.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == OpenMaasUpstreamFixture.RenamedStories);
        Assert.Equal(["tools", "vision", "reasoning"], renamed.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        var page = await gateway.GetStringAsync("/models/" + OpenMaasUpstreamFixture.RenamedStories);
        Assert.Contains("data-testid=\"capabilities\">tools, vision, reasoning<", page, StringComparison.Ordinal);
        using var engine = nodes.Engine.CreateClient();
        var local = await engine.GetFromJsonAsync<JsonElement>($"/v1/models/{TestAssets.StoriesId}");
        Assert.Equal(["tools", "structured_output"], local.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));

        var (rc, _, stderr) = await Cli.RunAsync(nodes.Gateway.DataPath, null,
            ["model", "add-upstream", "gateway/other", "--url", "http://127.0.0.1:9/v1", "--capabilities", "tools,telepathy"]);
        Assert.Equal(2, rc);
        Assert.Contains("unknown capability 'telepathy'", stderr, StringComparison.Ordinal);
    }

    private static object Completion(bool stream, int maxTokens = 40) => new
    {
        model = TestAssets.StoriesId, prompt = "Once upon a time", max_tokens = maxTokens, temperature = 0, stream,
        stream_options = stream ? new { include_usage = true } : null,
    };

    [Fact]
    public async Task Chat_MatchesTheDirectCall_AndTheGatewayRecordsTheEnginesTokenCounts()
    {
        using var direct = nodes.Engine.CreateClient();
        using var gateway = nodes.Gateway.CreateClient();
        var expected = await JsonAsync(await direct.PostAsJsonAsync("/v1/chat/completions", Chat(false)));
        using var response = await gateway.PostAsJsonAsync("/v1/chat/completions", Chat(false));
        var actual = await JsonAsync(response);

        Assert.Equal(Text(expected), Text(actual));
        Assert.Equal(expected.GetProperty("usage").ToString(), actual.GetProperty("usage").ToString());
        var record = await nodes.Gateway.RecordAsync(response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal(expected.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), record.PromptTokens);
        Assert.Equal(expected.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), record.CompletionTokens);
        Assert.True(record.Counted);
        Assert.Equal(200, record.Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StreamedChat_MatchesTheDirectStream_UsageChunkOnlyWhenAsked(bool askUsage)
    {
        using var direct = nodes.Engine.CreateClient();
        using var gateway = nodes.Gateway.CreateClient();
        var expected = await StreamAsync(direct, "/v1/chat/completions", Chat(true, askUsage));
        using var response = await SendStreamAsync(gateway, "/v1/chat/completions", Chat(true, askUsage));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var actual = await Sse.CollectAsync(response);

        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected.Finish, actual.Finish);
        Assert.True(actual.Done);
        Assert.Equal(askUsage, actual.Usage is not null);
        Assert.Equal(expected.Usage?.ToString(), actual.Usage?.ToString());
        var record = await nodes.Gateway.RecordAsync(response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal(30, record.CompletionTokens); // counted from the engine's usage even when the client did not see it
        Assert.True(record.PromptTokens > 0);
        Assert.NotNull(record.TtftMs);
    }

    [Fact]
    public async Task Completions_MatchTheDirectCalls_JsonAndStream()
    {
        using var direct = nodes.Engine.CreateClient();
        using var gateway = nodes.Gateway.CreateClient();
        var expected = await JsonAsync(await direct.PostAsJsonAsync("/v1/completions", Completion(false)));
        var actual = await JsonAsync(await gateway.PostAsJsonAsync("/v1/completions", Completion(false)));
        Assert.Equal(TestAssets.StoriesGreedy40, actual.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(expected.GetProperty("choices")[0].GetProperty("text").GetString(), actual.GetProperty("choices")[0].GetProperty("text").GetString());

        var streamed = await StreamAsync(gateway, "/v1/completions", Completion(true));
        Assert.Equal(TestAssets.StoriesGreedy40, streamed.Text);
        Assert.Equal(40, streamed.Usage!.Value.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task EnginesBadRequest_IsPassedOnWithItsMessage_AndCostsNothing()
    {
        using var gateway = nodes.Gateway.CreateClient();
        var longPrompt = string.Join(' ', Enumerable.Repeat("Once upon a time there was a girl.", 400));
        using var response = await gateway.PostAsJsonAsync("/v1/completions", new { model = TestAssets.StoriesId, prompt = longPrompt, max_tokens = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response)).GetProperty("error");
        Assert.Contains("maximum context length", error.GetProperty("message").GetString());
        var record = await nodes.Gateway.RecordAsync(response.Headers.GetValues("X-Request-Id").Single());
        Assert.False(record.Counted);
    }

    [Fact]
    public async Task ClientLeavingMidStream_StopsTheEnginesGeneration()
    {
        const int LongGeneration = 2000;
        using var gateway = nodes.Gateway.CreateClient(drainResponses: false);
        var runtime = nodes.Engine.Services.GetRequiredService<LlamaRuntime>();
        using (var warm = await gateway.PostAsJsonAsync("/v1/completions", Completion(false, 2)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var before = Model(runtime).GeneratedTokens;
        using (var cts = new CancellationTokenSource())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
            {
                Content = JsonContent.Create(new { model = TestAssets.StoriesId, prompt = "Once upon a time", max_tokens = LongGeneration, temperature = 0, ignore_eos = true, stream = true }),
            };
            var response = await gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            await using (var body = await response.Content.ReadAsStreamAsync(cts.Token))
            {
                Assert.True(await body.ReadAsync(new byte[64], cts.Token) > 0);
            }

            await cts.CancelAsync();
            response.Dispose();
        }

        await Eventually.WaitAsync(() => Model(runtime).ActiveSequences == 0, "the upstream model to free every sequence");
        var generated = Model(runtime).GeneratedTokens - before;
        Assert.True(generated < LongGeneration, $"the engine ran on to {generated} tokens after the client left");
    }

    [Fact]
    public async Task ModelList_ShowsTheDeploymentItsApiAndHealth_NotItsKey()
    {
        var (rc, stdout, stderr) = await Cli.RunAsync(nodes.Gateway.DataPath, null, "model", "list");
        Assert.Equal(0, rc);
        Assert.Matches($@"{TestAssets.StoriesId}\s+text-generation\s+upstream", stdout);
        Assert.Matches($@"{TestAssets.StoriesId}\s+{Regex.Escape(nodes.Engine.V1.ToString().TrimEnd('/'))}\s+{TestAssets.StoriesId}\s+openai\s+1\s+set\s+healthy", stdout);
        Assert.DoesNotContain(nodes.Engine.ApiKey, stdout + stderr);
        Assert.DoesNotContain(nodes.Gateway.Logs.Lines, l => l.Contains(nodes.Engine.ApiKey, StringComparison.Ordinal));
    }

    private static LoadedModelInfo Model(LlamaRuntime runtime) => runtime.Loaded.Single(m => m.Id == TestAssets.StoriesId);

    private static string? Text(JsonElement completion) => completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

    internal static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
    }

    internal static Task<HttpResponseMessage> SendStreamAsync(HttpClient http, string path, object body) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) }, HttpCompletionOption.ResponseHeadersRead);

    internal static async Task<(string Text, int Events, string? Finish, JsonElement? Usage, bool Done)> StreamAsync(HttpClient http, string path, object body)
    {
        using var response = await SendStreamAsync(http, path, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Sse.CollectAsync(response);
    }
}
