using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Responses;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Storage;
using OpenMaas.Core.Usage;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Responses;

/// <summary>OpenAI's Responses API on stories260K: the official .NET SDK's <c>ResponsesClient</c>, the raw event
/// sequence, the stored state (retrieve, continue, list input items, delete; the caller's own only), retention, and the
/// 400s of bad input. The server runs on a fake clock, so retention is checked by moving it.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class ResponsesApiTests(ResponsesApiTests.Fixture server) : IClassFixture<ResponsesApiTests.Fixture>
{
    public sealed class Fixture : ServerFixture
    {
        /// <summary>The system clock, moved by hand. (A <c>FakeTimeProvider</c> would fire every periodic timer of the
        /// server once per period while it jumps a month.)</summary>
        public ShiftedClock Clock { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
    }

    /// <summary>The system's time plus an offset that a test moves; timers keep real time.</summary>
    public sealed class ShiftedClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
    }

    private ResponsesClient Client(string? token = null) =>
        new(new ApiKeyCredential(token ?? server.ApiKey), new ResponsesClientOptions { Endpoint = server.V1 });

    private static CreateResponseOptions Greedy(int maxTokens, bool? store = null) =>
        new(TestAssets.StoriesId, [ResponseItem.CreateUserMessageItem("Once upon a time")])
        {
            Temperature = 0, MaxOutputTokenCount = maxTokens, StoredOutputEnabled = store,
        };

    private static object Body(int maxTokens = 40, bool stream = false, object? input = null, string? previous = null, bool store = true) => new
    {
        model = TestAssets.StoriesId, input = input ?? "Once upon a time", temperature = 0, max_output_tokens = maxTokens, stream, store,
        previous_response_id = previous,
    };

    [Fact]
    public async Task Sdk_CreateResponse_GivesTheKnownGreedyText_SameAsChatCompletions()
    {
        var response = (await Client().CreateResponseAsync(Greedy(40))).Value;
        Assert.Equal(TestAssets.StoriesGreedy40, response.GetOutputText());
        Assert.StartsWith("resp_", response.Id, StringComparison.Ordinal);
        Assert.Equal(ResponseStatus.Incomplete, response.Status);
        Assert.Equal(ResponseIncompleteStatusReason.MaxOutputTokens, response.IncompleteStatusDetails.Reason);
        Assert.Equal(40, response.Usage.OutputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount + 40, response.Usage.TotalTokenCount);

        using var http = server.CreateClient();
        var chat = await (await http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = TestAssets.StoriesId, max_tokens = 40, temperature = 0, messages = new[] { new { role = "user", content = "Once upon a time" } },
        })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(chat.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), response.GetOutputText());
        Assert.Equal(chat.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), response.Usage.InputTokenCount);

        // Stored by default: the SDK reads it back, with its input.
        var stored = (await Client().GetResponseAsync(response.Id)).Value;
        Assert.Equal(TestAssets.StoriesGreedy40, stored.GetOutputText());
        var items = new List<ResponseItem>();
        await foreach (var item in Client().GetResponseInputItemsAsync(response.Id))
        {
            items.Add(item);
        }

        var message = Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(items));
        Assert.Equal("Once upon a time", message.Content[0].Text);
    }

    [Fact]
    public async Task Sdk_StreamedResponse_JoinsToTheSameText_AndCompletes()
    {
        var text = new StringBuilder();
        ResponseResult? final = null;
        var sequence = new List<int>();
        var options = Greedy(40);
        options.StreamingEnabled = true;
        await foreach (var update in await Client().CreateResponseStreamingAsync(options))
        {
            sequence.Add(update.SequenceNumber);
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    text.Append(delta.Delta);
                    break;
                case StreamingResponseIncompleteUpdate incomplete:
                    final = incomplete.Response;
                    break;
            }
        }

        Assert.Equal(TestAssets.StoriesGreedy40, text.ToString());
        Assert.NotNull(final);
        Assert.Equal(TestAssets.StoriesGreedy40, final.GetOutputText());
        Assert.Equal(Enumerable.Range(0, sequence.Count), sequence);

        // Stored before the client saw the end: readable at once.
        var stored = (await Client().GetResponseAsync(final.Id)).Value;
        Assert.Equal(TestAssets.StoriesGreedy40, stored.GetOutputText());
    }

    [Fact]
    public async Task Stream_FollowsOpenAIsEventSequence()
    {
        using var http = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = JsonContent.Create(Body(maxTokens: 5, stream: true)) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var types = new List<string>();
        await foreach (var data in Sse.ReadDataAsync(response))
        {
            using var doc = JsonDocument.Parse(data);
            types.Add(doc.RootElement.GetProperty("type").GetString()!);
            Assert.Equal(types.Count - 1, doc.RootElement.GetProperty("sequence_number").GetInt32());
        }

        var distinct = types.Where((t, i) => i == 0 || types[i - 1] != t).ToList();
        Assert.Equal(
            [
                "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.incomplete",
            ],
            distinct);
    }

    [Fact]
    public async Task PreviousResponseId_ContinuesTheConversation_ForItsOwnerOnly()
    {
        using var http = server.CreateClient();
        var first = await (await http.PostAsJsonAsync("/v1/responses", Body(maxTokens: 8))).Content.ReadFromJsonAsync<JsonElement>();
        var firstId = first.GetProperty("id").GetString()!;
        var firstText = first.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString();

        var second = await http.PostAsJsonAsync("/v1/responses", Body(maxTokens: 4, input: "And then", previous: firstId));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var secondBody = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(firstId, secondBody.GetProperty("previous_response_id").GetString());
        var secondId = secondBody.GetProperty("id").GetString()!;

        // The second response's input is the whole conversation: the first input, the first answer, the new input.
        var items = await http.GetFromJsonAsync<JsonElement>($"/v1/responses/{secondId}/input_items?order=asc");
        var data = items.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "user"], data.Select(i => i.GetProperty("role").GetString()));
        Assert.Equal(firstText, data[1].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(items.GetProperty("has_more").GetBoolean());

        // Paged, newest first by default.
        var page = await http.GetFromJsonAsync<JsonElement>($"/v1/responses/{secondId}/input_items?limit=2");
        Assert.Equal(2, page.GetProperty("data").GetArrayLength());
        Assert.True(page.GetProperty("has_more").GetBoolean());
        Assert.Equal("And then", page.GetProperty("data")[0].GetProperty("content")[0].GetProperty("text").GetString());
        var rest = await http.GetFromJsonAsync<JsonElement>($"/v1/responses/{secondId}/input_items?limit=2&after={page.GetProperty("last_id").GetString()}");
        Assert.Equal("Once upon a time", Assert.Single(rest.GetProperty("data").EnumerateArray()).GetProperty("content")[0].GetProperty("text").GetString());

        // Another user sees none of it, and cannot continue it.
        var (_, otherToken) = await server.CreateUserAsync("responses-other");
        using var other = server.CreateClient(otherToken);
        foreach (var path in new[] { $"/v1/responses/{firstId}", $"/v1/responses/{firstId}/input_items" })
        {
            var hidden = await other.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
            var error = (await hidden.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
            Assert.Contains(firstId, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/v1/responses/{firstId}")).StatusCode);
        var continued = await other.PostAsJsonAsync("/v1/responses", Body(maxTokens: 2, previous: firstId));
        Assert.Equal(HttpStatusCode.BadRequest, continued.StatusCode);
        Assert.Equal("previous_response_id", (await continued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString());

        // Its owner deletes it; then it is gone.
        var deleted = await (await http.DeleteAsync($"/v1/responses/{firstId}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.Equal("response.deleted", deleted.GetProperty("object").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v1/responses/{firstId}")).StatusCode);
    }

    [Fact]
    public async Task StoreFalse_KeepsNothing_AndTheCallIsRecordedAsResponses()
    {
        var (user, token) = await server.CreateUserAsync("responses-nostore");
        using var http = server.CreateClient(token);
        var response = await (await http.PostAsJsonAsync("/v1/responses", Body(maxTokens: 3, store: false))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(response.GetProperty("store").GetBoolean());
        var id = response.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v1/responses/{id}")).StatusCode);
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<OpenMaasDbContext>>().CreateDbContextAsync())
        {
            Assert.False(await db.Responses.AnyAsync(r => r.UserId == user.Id));
        }

        var day = server.Services.GetRequiredService<QuotaCalendar>().Today().Date;
        var record = Assert.Single(await server.Services.GetRequiredService<IUsageQueries>().RecordsAsync(user.Id, day));
        Assert.Equal(("openai", "responses", true, 3), (record.Protocol, record.Endpoint, record.Counted, record.CompletionTokens));
    }

    [Fact]
    public async Task ExpiredResponses_AreRemovedByTheRetentionJob()
    {
        var (user, token) = await server.CreateUserAsync("responses-retention");
        using var http = server.CreateClient(token);
        var id = (await (await http.PostAsJsonAsync("/v1/responses", Body(maxTokens: 2))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/v1/responses/{id}")).StatusCode);

        var retention = server.Services.GetRequiredService<OpenMaas.Server.Protocols.OpenAI.ResponsesApi.ResponsesRetention>();
        server.Clock.Advance(TimeSpan.FromDays(29));
        await retention.RunOnceAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/v1/responses/{id}")).StatusCode);

        server.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.True(await retention.RunOnceAsync(CancellationToken.None) >= 1);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v1/responses/{id}")).StatusCode);
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<OpenMaasDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Responses.AnyAsync(r => r.UserId == user.Id));
    }

    [Fact]
    public async Task OpenAINpmClient_RunsTheResponsesFlow()
    {
        var (exit, output) = await Node.RunAsync("responses-flow.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = server.V1.ToString().TrimEnd('/'),
            ["API_KEY"] = server.ApiKey,
            ["MODEL"] = TestAssets.StoriesId,
            ["EXPECTED"] = TestAssets.StoriesGreedy40,
        });
        Assert.True(exit == 0, output);
        Assert.Contains("SUMMARY OK", output);
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { """{"model":"karpathy/stories260K"}""", "input" },
        { """{"model":"karpathy/stories260K","input":42}""", "input" },
        { """{"model":"karpathy/stories260K","input":[{"type":"computer_call","call_id":"x"}]}""", "input[0].type" },
        { """{"model":"karpathy/stories260K","input":[{"role":"robot","content":"hi"}]}""", "input[0].role" },
        { """{"model":"karpathy/stories260K","input":[{"role":"user","content":7}]}""", "input[0].content" },
        { """{"model":"karpathy/stories260K","input":[{"role":"user","content":[{"type":"input_video","text":"x"}]}]}""", "input[0].content[0].type" },
        { """{"model":"karpathy/stories260K","input":[{"role":"user","content":"hi"},{"type":"function_call_output","call_id":"call_9","output":"42"}]}""", "input[1].call_id" },
        { """{"model":"karpathy/stories260K","input":[{"type":"function_call","call_id":"c","name":"f"}]}""", "input[0].arguments" },
        { """{"model":"karpathy/stories260K","input":"hi","tools":[{"type":"web_search"}]}""", "tools[0].type" },
        { """{"model":"karpathy/stories260K","input":"hi","tools":[{"type":"function"}]}""", "tools[0].name" },
        { """{"model":"karpathy/stories260K","input":"hi","text":{"format":{"type":"xml"}}}""", "text.format.type" },
        { """{"model":"karpathy/stories260K","input":"hi","text":{"format":{"type":"json_schema","name":"x"}}}""", "text.format.schema" },
        { """{"model":"karpathy/stories260K","input":"hi","temperature":3}""", "temperature" },
        { """{"model":"karpathy/stories260K","input":"hi","max_output_tokens":0}""", "max_output_tokens" },
        { """{"model":"karpathy/stories260K","input":"hi","temperature":"hot"}""", "temperature" },
        { """{"model":"karpathy/stories260K","input":"hi","reasoning":{"effort":"extreme"}}""", "reasoning.effort" },
        { """{"model":"karpathy/stories260K","input":"hi","previous_response_id":"resp_nope"}""", "previous_response_id" },
        { """{"model":"karpathy/stories260K","input":"hi","background":true}""", "background" },
        { """{"input":"hi"}""", "model" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_Is400_InTheEnvelope_NamingTheField(string body, string param)
    {
        using var http = server.CreateClient();
        var response = await http.PostAsync("/v1/responses", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var error = json.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.True(json.TryGetProperty("request_id", out _));
    }
}
