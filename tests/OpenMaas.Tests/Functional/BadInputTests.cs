using System.Net;
using System.Text;
using System.Text.Json;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Functional;

/// <summary>Every client mistake on /v1 gets a clear 4xx in the OpenAI envelope — never a 500, never a stack trace.</summary>
[Trait("Category", "Slow")]
public sealed class BadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Chat = "/v1/chat/completions";
    private const string Completions = "/v1/completions";
    private const string Model = TestAssets.StoriesId;

    public static TheoryData<string, string, string, int, string?, string?> Cases => new()
    {
        // name, path, body, status, param, code
        { "malformed JSON", Chat, "{\"model\": ", 400, null, null },
        { "body is not an object", Chat, "[1,2]", 400, null, null },
        { "messages of the wrong type", Chat, $$"""{"model":"{{Model}}","messages":"hi"}""", 400, "messages", null },
        { "model of the wrong type", Chat, """{"model":5,"messages":[{"role":"user","content":"hi"}]}""", 400, "model", null },
        { "max_tokens of the wrong type", Chat, $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":"ten"}""", 400, "max_tokens", null },
        { "missing messages", Chat, $$"""{"model":"{{Model}}"}""", 400, "messages", null },
        { "empty messages", Chat, $$"""{"model":"{{Model}}","messages":[]}""", 400, "messages", null },
        { "unknown role", Chat, $$"""{"model":"{{Model}}","messages":[{"role":"wizard","content":"hi"}]}""", 400, "messages[0].role", null },
        { "missing role", Chat, $$"""{"model":"{{Model}}","messages":[{"content":"hi"}]}""", 400, "messages[0].role", null },
        { "missing model", Chat, """{"messages":[{"role":"user","content":"hi"}]}""", 400, "model", null },
        { "unknown model", Chat, """{"model":"nobody/nothing","messages":[{"role":"user","content":"hi"}]}""", 404, "model", "model_not_found" },
        { "max_tokens zero", Chat, $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", 400, "max_tokens", null },
        { "max_tokens beyond the context", Chat, $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":100000}""", 400, "max_tokens", "max_tokens_too_large" },
        { "max_completion_tokens negative", Chat, $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":-3}""", 400, "max_completion_tokens", null },
        { "temperature out of range", Chat, $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}],"temperature":5}""", 400, "temperature", null },
        { "top_p out of range", Chat, $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}],"top_p":0}""", 400, "top_p", null },
        { "n above 1", Chat, $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}],"n":2}""", 400, "n", null },
        { "stop of the wrong type", Chat, $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}],"stop":7}""", 400, "stop", null },
        { "image content part", Chat, $$$"""{"model":"{{{Model}}}","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", 400, "messages[0].content[0]", "unsupported_content" },
        { "prompt longer than the context", Chat, $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"{{string.Concat(Enumerable.Repeat("once upon a time ", 1200))}}"}]}""", 400, "messages", "context_length_exceeded" },
        { "completions without prompt", Completions, $$"""{"model":"{{Model}}"}""", 400, "prompt", null },
        { "completions prompt too long", Completions, $$"""{"model":"{{Model}}","prompt":"{{string.Concat(Enumerable.Repeat("once upon a time ", 1200))}}"}""", 400, "prompt", "context_length_exceeded" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_GetsTheOpenAIEnvelope(string name, string path, string body, int status, string? param, string? code)
    {
        using var http = server.CreateClient();
        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertEnvelopeAsync(response, status, param, code, name);
    }

    [Fact]
    public async Task PromptTooLong_NamesBothNumbers()
    {
        using var http = server.CreateClient();
        var prompt = string.Concat(Enumerable.Repeat("once upon a time ", 1200));
        using var response = await http.PostAsync(Completions, new StringContent($$"""{"model":"{{Model}}","prompt":"{{prompt}}"}""", Encoding.UTF8, "application/json"));
        var message = (await AssertEnvelopeAsync(response, 400, "prompt", "context_length_exceeded", "too long")).GetProperty("message").GetString()!;
        Assert.Contains("2048", message);
        Assert.Matches(@"prompt has \d{4} tokens", message);
    }

    [Fact]
    public async Task BodyOverTheLimit_Gets413()
    {
        using var http = server.CreateClient();
        var big = new string('a', 5 * 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, Chat)
        {
            Content = new StringContent($$"""{"model":"{{Model}}","messages":[{"role":"user","content":"{{big}}"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var response = await http.SendAsync(request);
        await AssertEnvelopeAsync(response, 413, null, "request_too_large", "413");
    }

    [Fact]
    public async Task WrongContentType_Gets415()
    {
        using var http = server.CreateClient();
        using var response = await http.PostAsync(Chat, new StringContent("hello", Encoding.UTF8, "text/plain"));
        await AssertEnvelopeAsync(response, 415, null, null, "415");
    }

    [Fact]
    public async Task UnknownPath_Gets404Envelope()
    {
        using var http = server.CreateClient();
        using var response = await http.GetAsync("/v1/nothing-here");
        await AssertEnvelopeAsync(response, 404, null, "unknown_url", "unknown path");
    }

    private static async Task<JsonElement> AssertEnvelopeAsync(HttpResponseMessage response, int status, string? param, string? code, string name)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{name}: expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.DoesNotContain("   at ", body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(body);
        var error = doc.RootElement.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), name);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()), name);
        Assert.True(error.TryGetProperty("param", out var p), name);
        Assert.True(error.TryGetProperty("code", out var c), name);
        if (param is not null)
        {
            Assert.Equal(param, p.GetString());
        }

        if (code is not null)
        {
            Assert.Equal(code, c.GetString());
        }

        Assert.StartsWith("req-", doc.RootElement.GetProperty("request_id").GetString());
        return error.Clone();
    }
}
