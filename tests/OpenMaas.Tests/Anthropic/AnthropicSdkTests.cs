using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Server.Pipeline;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Anthropic;

/// <summary>The official Anthropic .NET SDK, unchanged, against OpenMaaS's <c>/v1/messages</c>: only a base URL and an
/// <c>ms-</c> token.</summary>
[Trait("Category", "Slow")]
public sealed class AnthropicSdkTests(AnthropicSdkTests.Fixture server) : IClassFixture<AnthropicSdkTests.Fixture>
{
    public sealed class Fixture : ServerFixture
    {
        protected override IEnumerable<string> Settings => ["Server:MaxRequestBodyBytes=65536"];
    }

    private AnthropicClient Client(string? token = null) =>
        new() { ApiKey = token ?? server.ApiKey, BaseUrl = server.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 };

    // This SDK version has no typed temperature; its own raw-parameter factory carries it, as any extra field.
    private static MessageCreateParams Greedy(int maxTokens, string model = TestAssets.StoriesId, double temperature = 0) =>
        MessageCreateParams.FromRawUnchecked(NoFields, NoFields, Body($$"""
            {"model":"{{model}}","max_tokens":{{maxTokens}},"temperature":{{temperature}},"messages":[{"role":"user","content":"Once upon a time"}]}
            """));

    private static readonly Dictionary<string, JsonElement> NoFields = [];

    private static Dictionary<string, JsonElement> Body(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public async Task PlainMessage_GivesTheKnownGreedyText_SameAsChatCompletions()
    {
        var message = await Client().Messages.Create(Greedy(40));
        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal(TestAssets.StoriesGreedy40, text!.Text);
        Assert.Equal("max_tokens", message.StopReason?.Raw());
        Assert.Equal(40, message.Usage.OutputTokens);
        Assert.StartsWith("msg_", message.ID, StringComparison.Ordinal);

        using var http = server.CreateClient();
        var chat = await (await http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = TestAssets.StoriesId, max_tokens = 40, temperature = 0, messages = new[] { new { role = "user", content = "Once upon a time" } },
        })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(chat.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), text.Text);
        Assert.Equal(chat.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), message.Usage.InputTokens);

        var counted = await Client().Messages.CountTokens(MessageCountTokensParams.FromRawUnchecked(NoFields, NoFields, Body("""
            {"model":"karpathy/stories260K","messages":[{"role":"user","content":"Once upon a time"}]}
            """)));
        Assert.Equal(message.Usage.InputTokens, counted.InputTokens);
    }

    [Fact]
    public async Task StreamedMessage_GivesTheSameText_InAnthropicsEvents()
    {
        var text = new StringBuilder();
        var kinds = new List<string>();
        await foreach (var e in Client().Messages.CreateStreaming(Greedy(40)))
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var t))
            {
                text.Append(t!.Text);
                kinds.Add("delta");
            }
            else if (e.TryPickStart(out _))
            {
                kinds.Add("start");
            }
            else if (e.TryPickDelta(out var end))
            {
                Assert.Equal("max_tokens", end!.Delta.StopReason?.Raw());
                kinds.Add("message_delta");
            }
            else if (e.TryPickStop(out _))
            {
                kinds.Add("stop");
            }
        }

        Assert.Equal(TestAssets.StoriesGreedy40, text.ToString());
        Assert.Equal("start", kinds[0]);
        Assert.Equal(["message_delta", "stop"], kinds[^2..]);
    }

    [Fact]
    public async Task Errors_AreTheSdksTypedExceptions()
    {
        await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => Client("ms-" + new string('x', 32)).Messages.Create(Greedy(1)));
        var notFound = await Assert.ThrowsAsync<AnthropicNotFoundException>(() => Client().Messages.Create(Greedy(1, "nobody/nothing")));
        Assert.Contains("nobody/nothing", notFound.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AnthropicBadRequestException>(() => Client().Messages.Create(Greedy(1, temperature: 1.5)));

        var (user, token) = await server.CreateUserAsync("anthropic-429");
        await server.SetLimitAsync(user.Id, null, 1);
        await Client(token).Messages.Create(Greedy(1));
        var limited = await Assert.ThrowsAsync<AnthropicRateLimitException>(() => Client(token).Messages.Create(Greedy(1)));
        Assert.Contains("Daily API-Inference quota exceeded: you have used all 1 calls allowed per day.", limited.Message, StringComparison.Ordinal);

        // A token scoped to other models is refused in Anthropic's shape, at no cost.
        var scoped = (await server.Services.GetRequiredService<OpenMaas.Core.Tokens.ITokenService>()
            .CreateAsync(user.Id, "scoped", null, new OpenMaas.Core.Tokens.TokenScope { Models = ["someone/*"] })).Text;
        var refused = await Assert.ThrowsAsync<AnthropicForbiddenException>(() => Client(scoped).Messages.Create(Greedy(1)));
        Assert.Contains("may not call the model", refused.Message, StringComparison.Ordinal);

        // One admitted call, recorded with its protocol.
        var day = server.Services.GetRequiredService<QuotaCalendar>().Today().Date;
        var record = Assert.Single(await server.Services.GetRequiredService<IUsageQueries>().RecordsAsync(user.Id, day));
        Assert.Equal(("anthropic", "messages", true), (record.Protocol, record.Endpoint, record.Counted));
    }

    public static TheoryData<string, string?, HttpStatusCode, string> BadInputs => new()
    {
        { """{"model":"karpathy/stories260K","messages":[{"role":"user","content":"hi"}]}""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { """{"model":"karpathy/stories260K","max_tokens":5,"messages":[{"role":"system","content":"hi"}]}""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { """{"model":"karpathy/stories260K","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"bot","content":"x"}]}""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { """{"model":"karpathy/stories260K","max_tokens":5,"messages":[{"role":"user","content":""}]}""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { """{"model":"karpathy/stories260K","max_tokens":5,"messages":[{"role":"user","content":[]}]}""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { """{"model":"karpathy/stories260K","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}]}""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { """{"model":"karpathy/stories260K","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"x"}]}]}""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { """{"model":"karpathy/stories260K","max_tokens":5,"messages":[{"role":"user","content":[{"type":"hologram"}]}]}""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { """{"model":"karpathy/stories260K","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"type":"object","properties":{"n":{"type":"integer","minimum":0}}}}]}""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { """{"model":"karpathy/stories260K","max_tokens":"five","messages":[{"role":"user","content":"hi"}]}""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { """{"model":"karpathy/stories260K",""", null, HttpStatusCode.BadRequest, "invalid_request_error" },
        { "BIG", null, HttpStatusCode.RequestEntityTooLarge, "request_too_large" },
        { """{"model":"karpathy/stories260K","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", "text/plain", HttpStatusCode.UnsupportedMediaType, "invalid_request_error" },
        { """{"model":"nobody/nothing","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", null, HttpStatusCode.NotFound, "not_found_error" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_Is4xxInAnthropicsShape_AndCostsNothing(string body, string? contentType, HttpStatusCode status, string type)
    {
        if (body == "BIG")
        {
            body = """{"model":"karpathy/stories260K","max_tokens":5,"messages":[{"role":"user","content":"X"}]}""".Replace("X", new string('a', 70_000), StringComparison.Ordinal);
        }

        var (user, token) = await server.CreateUserAsync("bad-" + Guid.NewGuid().ToString("N")[..12]);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Add("x-api-key", token);
        http.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        using var content = new StringContent(body, Encoding.UTF8, contentType ?? "application/json");
        using var response = await http.PostAsync("/v1/messages", content);
        Assert.Equal(status, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(type, error.GetProperty("error").GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("error").GetProperty("message").GetString()));
        Assert.NotEqual(string.Empty, response.Header("request-id"));
        var day = server.Services.GetRequiredService<QuotaCalendar>().Today().Date;
        Assert.Empty(await server.Services.GetRequiredService<IUsageQueries>().RecordsAsync(user.Id, day));
    }

    [Fact]
    public async Task Auth_ByXApiKeyOrBearer_AndMissingKey_IsAnAuthenticationError()
    {
        const string Body = """{"model":"karpathy/stories260K","max_tokens":1,"messages":[{"role":"user","content":"Once upon a time"}]}""";
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        using (var missing = await anonymous.PostAsync("/v1/messages", new StringContent(Body, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            Assert.Equal("authentication_error", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
        }

        using var bearer = server.CreateClient();
        using var ok = await bearer.PostAsync("/v1/messages", new StringContent(Body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("2000", ok.Header(QuotaResponses.LimitHeader));
    }
}
