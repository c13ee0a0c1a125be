using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Functional;

/// <summary><c>/v1/completions</c> and raw SSE behaviour, over real HTTP.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class CompletionsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task GreedyCompletion_GivesTheKnownContinuation()
    {
        using var http = server.CreateClient();
        using var response = await http.PostAsJsonAsync("/v1/completions",
            new { model = TestAssets.StoriesId, prompt = "Once upon a time", max_tokens = 40, temperature = 0 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("text_completion", root.GetProperty("object").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal(TestAssets.StoriesGreedy40, choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(5, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(40, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(45, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task StreamedCompletion_SendsChunksUsageAndDone()
    {
        using var http = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new
            {
                model = TestAssets.StoriesId, prompt = "Once upon a time", max_tokens = 40, temperature = 0, stream = true,
                stream_options = new { include_usage = true },
            }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var (text, events, finish, usage, done) = await Sse.CollectAsync(response);
        Assert.Equal(TestAssets.StoriesGreedy40, text);
        Assert.True(events > 5);
        Assert.Equal("length", finish);
        Assert.True(done);
        Assert.Equal(40, usage!.Value.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task StreamedChat_FirstChunkCarriesTheRole()
    {
        using var http = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = TestAssets.StoriesId, messages = new[] { new { role = "user", content = "Once upon a time" } },
                max_tokens = 10, temperature = 0, stream = true,
            }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var first = await Sse.ReadDataAsync(response).FirstAsync();
        using var doc = JsonDocument.Parse(first);
        Assert.Equal("chat.completion.chunk", doc.RootElement.GetProperty("object").GetString());
        Assert.Equal("assistant", doc.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
    }

    [Fact]
    public async Task IgnoreEos_GeneratesExactlyMaxTokens()
    {
        using var http = server.CreateClient();
        using var response = await http.PostAsJsonAsync("/v1/completions",
            new { model = TestAssets.StoriesId, prompt = "Once upon a time", max_tokens = 300, temperature = 0, ignore_eos = true });
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(300, doc.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }
}
