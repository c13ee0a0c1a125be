using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;
using Behaviour = OpenMaas.Tests.Upstream.GarbageEngine.Behaviour;

namespace OpenMaas.Tests.Upstream;

/// <summary>
/// Engines that answer garbage, stall, never end or send one enormous line (the FAKE <see cref="GarbageEngine"/>),
/// through a gateway, over real HTTP with the OpenAI .NET SDK and raw SSE: a plain call gets a 502 in its surface's
/// envelope and costs nothing; a stream that breaks after its first chunk ends with an error event the client sees
/// (never a hang); the deployment is ejected and another one takes the next calls; and afterwards no slot or engine
/// connection is left held.
/// </summary>
[Trait("Category", "Slow")]
public sealed class UpstreamGarbageTests
{
    /// <summary>Ejection long enough to observe; a short stream bound; small size bounds so a "huge" answer is cut early.</summary>
    private static readonly string[] Bounds =
    [
        "Upstreams:EjectSeconds=600",
        "Upstreams:StreamTimeoutSeconds=4",
        "Upstreams:MaxAnswerBytes=1048576",
        "Upstreams:MaxEventBytes=1048576",
    ];

    [Theory]
    [InlineData(Behaviour.TruncatedJson)]
    [InlineData(Behaviour.HtmlPage)]
    [InlineData(Behaviour.EventStreamToPlainCall)]
    [InlineData(Behaviour.EmptyBody)]
    [InlineData(Behaviour.HugeAnswer)]
    public async Task PlainCall_GarbageAnswer_Is502InTheOpenAIEnvelope_Ejected_Refunded(Behaviour mode)
    {
        await using var engine = await GarbageEngine.StartAsync(mode);
        await using var gateway = await StubGateway.StartOnAsync([engine.V1], Bounds);
        var chat = OpenAIChat(gateway);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(502, error.Status);
        var envelope = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.Equal("upstream_error", envelope.GetProperty("code").GetString());
        Assert.Equal("server_error", envelope.GetProperty("type").GetString());
        Assert.Contains("cannot use", envelope.GetProperty("message").GetString());

        await AssertEjectedAndNothingHeldAsync(gateway, engine);
        using var http = gateway.CreateClient();
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
        if (mode == Behaviour.HugeAnswer)
        {
            // Refused at the bound, not after reading all 50 MB (then the connection is closed: engine.Open is 0).
            Assert.Contains("larger than 1048576 bytes", envelope.GetProperty("message").GetString());
        }
    }

    [Theory]
    [InlineData(Behaviour.GarbageFirstEvent)]
    [InlineData(Behaviour.EmptyBody)]
    [InlineData(Behaviour.TruncatedJson)]
    public async Task StreamedCall_GarbageBeforeAnyChunk_Is502_Refunded(Behaviour mode)
    {
        await using var engine = await GarbageEngine.StartAsync(mode);
        await using var gateway = await StubGateway.StartOnAsync([engine.V1], Bounds);
        using var http = gateway.CreateClient();

        using var response = await ChatAsync(http, stream: true);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", (await response.ErrorAsync()).Code);
        await AssertEjectedAndNothingHeldAsync(gateway, engine);
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Theory]
    [InlineData(Behaviour.BrokenEventAfterFirst, "upstream_error")]
    [InlineData(Behaviour.ErrorEventAfterFirst, "upstream_error")]
    [InlineData(Behaviour.CutAfterFirst, "upstream_error")]
    [InlineData(Behaviour.HugeLineAfterFirst, "upstream_error")]
    [InlineData(Behaviour.StallAfterFirst, "upstream_timeout")]
    [InlineData(Behaviour.Endless, "upstream_timeout")]
    public async Task Stream_BreakingAfterItsFirstChunk_EndsWithAnErrorEvent_AndTheDeploymentIsEjected(Behaviour mode, string code)
    {
        await using var engine = await GarbageEngine.StartAsync(mode);
        await using var gateway = await StubGateway.StartOnAsync([engine.V1], Bounds);
        using var http = gateway.CreateClient();

        using var response = await ChatAsync(http, stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await ReadToEndAsync(response); // ends: the stream is closed by OpenMaaS, not left hanging
        Assert.Contains(GarbageEngine.FirstText, events[0]);
        var last = JsonDocument.Parse(events[^1]).RootElement;
        Assert.True(last.TryGetProperty("error", out var error), $"the stream's last event is not an error: {events[^1]}");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.DoesNotContain(events, e => e.Contains(GarbageEngine.Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Contains("aaaa", StringComparison.Ordinal));
        Assert.DoesNotContain("[DONE]", events);

        await AssertEjectedAndNothingHeldAsync(gateway, engine);
        if (mode == Behaviour.HugeLineAfterFirst)
        {
            // Refused at the bound, not after buffering all 50 MB (then the connection is closed: engine.Open is 0).
            Assert.Contains("larger than 1048576 bytes", error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task AnthropicMessages_PlainGarbage_Is502InAnthropicsShape_Refunded()
    {
        await using var engine = await GarbageEngine.StartAsync(Behaviour.TruncatedJson);
        await using var gateway = await StubGateway.StartOnAsync([engine.V1], Bounds);
        using var http = gateway.CreateClient();

        using var response = await MessagesAsync(http, stream: false);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal("api_error", body.GetProperty("error").GetProperty("type").GetString());
        await AssertEjectedAndNothingHeldAsync(gateway, engine);
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Theory]
    [InlineData(Behaviour.BrokenEventAfterFirst)]
    [InlineData(Behaviour.ErrorEventAfterFirst)]
    [InlineData(Behaviour.StallAfterFirst)]
    public async Task AnthropicMessages_StreamBreakingMidWay_EndsWithAnErrorEvent(Behaviour mode)
    {
        await using var engine = await GarbageEngine.StartAsync(mode);
        await using var gateway = await StubGateway.StartOnAsync([engine.V1], Bounds);
        using var http = gateway.CreateClient();

        using var response = await MessagesAsync(http, stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(); // read to its end: the stream is closed, not left hanging
        Assert.Contains(GarbageEngine.FirstText, text);
        Assert.Contains("event: error\n", text);
        Assert.Contains("\"type\":\"api_error\"", text);
        Assert.DoesNotContain("event: message_stop", text);
        Assert.DoesNotContain(GarbageEngine.Secret, text);
        await AssertEjectedAndNothingHeldAsync(gateway, engine);
    }

    [Fact]
    public async Task Failover_AfterAnEngines5xx_TheOtherDeploymentAnswersEveryCall()
    {
        await using var failing = await GarbageEngine.StartAsync(Behaviour.Status500);
        await using var healthy = await GarbageEngine.StartAsync(Behaviour.Ok);
        await using var gateway = await StubGateway.StartOnAsync([failing.V1, healthy.V1], Bounds);
        var chat = OpenAIChat(gateway);

        for (var i = 0; i < 6; i++)
        {
            if (i % 2 == 0)
            {
                Assert.Equal("Hello from garbage engine.", (await chat.CompleteChatAsync([new UserChatMessage("hi")])).Value.Content[0].Text);
            }
            else
            {
                var parts = await chat.CompleteChatStreamingAsync([new UserChatMessage("hi")]).SelectMany(u => u.ContentUpdate.ToAsyncEnumerable()).Select(p => p.Text).ToListAsync();
                Assert.Equal("Hello from garbage engine.", string.Concat(parts));
            }
        }

        Assert.Equal(1, failing.Calls); // tried once, then ejected: the balancer alternates, so it was tried
        Assert.Equal(6, healthy.Calls);
        await AssertEjectedAndNothingHeldAsync(gateway, failing);
        using var http = gateway.CreateClient();
        Assert.Equal(6, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Theory]
    [InlineData(Behaviour.TruncatedJson, false)]
    [InlineData(Behaviour.BrokenEventAfterFirst, true)]
    public async Task GarbageFromOneDeployment_EjectsIt_AndTheOtherTakesTheNextCalls(Behaviour mode, bool stream)
    {
        await using var garbage = await GarbageEngine.StartAsync(mode);
        await using var healthy = await GarbageEngine.StartAsync(Behaviour.Ok);
        await using var gateway = await StubGateway.StartOnAsync([garbage.V1, healthy.V1], Bounds);
        using var http = gateway.CreateClient();

        // The balancer alternates between idle deployments: within a few calls one lands on the garbage engine.
        var failed = 0;
        for (var i = 0; i < 4 && garbage.Calls == 0; i++)
        {
            using var response = await ChatAsync(http, stream);
            var body = await response.Content.ReadAsStringAsync();
            failed += body.Contains("upstream_error", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal(1, garbage.Calls);
        Assert.Equal(1, failed);
        await AssertEjectedAndNothingHeldAsync(gateway, garbage);

        var healthyBefore = healthy.Calls;
        for (var i = 0; i < 4; i++)
        {
            using var response = await ChatAsync(http, stream);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("garbage engine.", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(1, garbage.Calls);
        Assert.Equal(healthyBefore + 4, healthy.Calls);
    }

    [Theory]
    [InlineData("/v1/messages")]
    [InlineData("/v1/chat/completions")]
    public async Task ClientLeavingMidStream_AbortsTheEnginesRequest_FreesTheSlot_AndEjectsNothing(string path)
    {
        await using var engine = await GarbageEngine.StartAsync(Behaviour.Endless);
        await using var gateway = await StubGateway.StartOnAsync([engine.V1], "Upstreams:EjectSeconds=600");
        using var http = gateway.CreateClient(drainResponses: false);

        using (var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body(path, stream: true) })
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(stream);
            var seen = new StringBuilder();
            while (!seen.ToString().Contains(GarbageEngine.FirstText, StringComparison.Ordinal) && await reader.ReadLineAsync() is { } line)
            {
                seen.AppendLine(line);
            }

            Assert.Contains(GarbageEngine.FirstText, seen.ToString());
        } // the client leaves mid-stream

        await Eventually.WaitAsync(() => engine.Open == 0, "the engine to see its request aborted after the client left");
        var endpoint = gateway.Endpoints.Single();
        await Eventually.WaitAsync(() => endpoint.Outstanding == 0, "the deployment's slot to be released");
        Assert.True(endpoint.IsRoutable(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), "a client leaving ejected the deployment");
        Assert.Equal(0, endpoint.Failures);

        engine.Mode = Behaviour.Ok;
        using var next = await http.PostAsync(path, Body(path, stream: false));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    private static ChatClient OpenAIChat(StubGateway gateway) =>
        new OpenAIClient(new ApiKeyCredential(gateway.ApiKey), new OpenAIClientOptions { Endpoint = gateway.V1, RetryPolicy = new ClientRetryPolicy(0) })
            .GetChatClient(StubGateway.ModelId);

    private static Task<HttpResponseMessage> ChatAsync(HttpClient http, bool stream) =>
        http.PostAsync("/v1/chat/completions", Body("/v1/chat/completions", stream));

    private static Task<HttpResponseMessage> MessagesAsync(HttpClient http, bool stream) =>
        http.PostAsync("/v1/messages", Body("/v1/messages", stream));

    private static StringContent Body(string path, bool stream) => new(
        path == "/v1/messages"
            ? $$"""{"model":"{{StubGateway.ModelId}}","max_tokens":64,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}"""
            : $$"""{"model":"{{StubGateway.ModelId}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""",
        Encoding.UTF8, "application/json");

    private static async Task<List<string>> ReadToEndAsync(HttpResponseMessage response)
    {
        var events = new List<string>();
        await foreach (var data in Sse.ReadDataAsync(response))
        {
            events.Add(data);
        }

        return events;
    }

    /// <summary>The engine's deployment is out of rotation, OpenMaaS holds no slot on any deployment, and every request
    /// the engine was still answering has been hung up on.</summary>
    private static async Task AssertEjectedAndNothingHeldAsync(StubGateway gateway, GarbageEngine engine)
    {
        var endpoint = gateway.Endpoints.Single(e => e.Target.BaseUrl == engine.V1);
        Assert.False(endpoint.IsRoutable(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), "the engine that answered garbage is still in rotation");
        Assert.True(endpoint.Failures >= 1, "no failure was counted against the engine");
        await Eventually.WaitAsync(() => gateway.Endpoints.All(e => e.Outstanding == 0), "every deployment's slots to be released");
        await Eventually.WaitAsync(() => engine.Open == 0, "OpenMaaS to hang up on every request the engine held open");
    }
}
