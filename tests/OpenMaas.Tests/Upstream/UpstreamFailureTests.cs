using System.Net;
using System.Text;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Upstream;

/// <summary>Engines that fail, hang or fill up, behind a gateway: refunds, timeouts, ejection and readmission,
/// the bound on requests in flight, and the engine's key kept out of answers and logs.</summary>
[Trait("Category", "Slow")]
public sealed class UpstreamFailureTests
{
    private static Task<HttpResponseMessage> ChatAsync(HttpClient http, bool stream = false) =>
        http.PostAsync("/v1/chat/completions", new StringContent(
            $$"""{"model":"{{StubGateway.ModelId}}","messages":[{"role":"user","content":"hi"}],"stream":{{(stream ? "true" : "false")}}}""",
            Encoding.UTF8, "application/json"));

    [Fact]
    public async Task EngineAnswering500_BeforeOutput_Gives502AndCostsNothing()
    {
        await using var engine = await StubEngine.StartAsync();
        engine.Mode = StubEngine.Behaviour.Error500;
        await using var gateway = await StartAsync([engine]);
        using var http = gateway.CreateClient();

        using var response = await ChatAsync(http);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"code\":\"upstream_error\"", body);
        Assert.DoesNotContain("/srv/secret", body); // an engine's 5xx text stays on the server
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task HangingEngine_IsTimedOutAndEjected_ThenReadmittedWhenItRecovers()
    {
        await using var hanging = await StubEngine.StartAsync();
        await using var healthy = await StubEngine.StartAsync();
        await using var gateway = await StartAsync([hanging, healthy]);
        using var http = gateway.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            using var warm = await ChatAsync(http);
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var callsBefore = hanging.Calls;
        hanging.Mode = StubEngine.Behaviour.Hang;

        // Every call succeeds: one that lands on the hanging engine times out (1 s) and is retried on the other.
        for (var i = 0; i < 4; i++)
        {
            using var response = await ChatAsync(http, stream: i % 2 == 1);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var stuck = gateway.Endpoints.Single(e => e.Target.BaseUrl == hanging.V1);
        Assert.False(stuck.IsRoutable(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), "the hanging engine is still in rotation");
        var callsWhileDown = hanging.Calls;
        Assert.True(callsWhileDown > callsBefore, "no call reached the hanging engine");

        hanging.Mode = StubEngine.Behaviour.Ok;
        await Eventually.WaitAsync(() => stuck.IsRoutable(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), "the ejected deployment to be routable again", TimeSpan.FromSeconds(10));
        for (var i = 0; i < 6; i++)
        {
            using var response = await ChatAsync(http);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(hanging.Calls > callsWhileDown, "the recovered engine got no traffic");
    }

    [Fact]
    public async Task OnlyEngineHanging_Gives504AndCostsNothing()
    {
        await using var engine = await StubEngine.StartAsync();
        engine.Mode = StubEngine.Behaviour.HangCalls;
        await using var gateway = await StartAsync([engine]);
        using var http = gateway.CreateClient();

        using var response = await ChatAsync(http, stream: true);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", (await response.ErrorAsync()).Code);
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task EngineAtItsBound_Gives503ModelBusyWithRetryAfter_Refunded()
    {
        await using var engine = await StubEngine.StartAsync();
        engine.Mode = StubEngine.Behaviour.Held; // the first call holds the deployment's only slot until released
        await using var gateway = await StartAsync([engine], "Upstreams:MaxOutstandingPerDeployment=1", "Upstreams:FirstByteTimeoutSeconds=60");
        using var http = gateway.CreateClient();

        var first = ChatAsync(http);
        await Eventually.WaitAsync(() => engine.Calls == 1, "the engine to receive the first call");
        using (var busy = await ChatAsync(http))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Equal("model_busy", (await busy.ErrorAsync()).Code);
            Assert.Equal("1", busy.Header("Retry-After"));
        }

        engine.Release();

        using (var done = await first)
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        Assert.Equal(1, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task EngineKey_IsSentToTheEngine_ButNeverToTheClientOrTheLog()
    {
        await using var engine = await StubEngine.StartAsync();
        await using var gateway = await StartAsync([engine]);
        using var http = gateway.CreateClient();

        using var ok = await ChatAsync(http, stream: true);
        var (text, _, _, usage, done) = await Sse.CollectAsync(ok);
        Assert.Equal("Hello from stub.", text);
        Assert.True(done);
        Assert.Null(usage); // asked of the engine for counting, not passed on: the client did not ask

        engine.Mode = StubEngine.Behaviour.Error500;
        using var failed = await ChatAsync(http);
        Assert.Equal("Bearer " + StubGateway.EngineKey, engine.LastAuthorization);
        Assert.DoesNotContain(StubGateway.EngineKey, failed.Headers + await failed.Content.ReadAsStringAsync());
        Assert.NotEmpty(gateway.Logs.Lines);
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains(StubGateway.EngineKey, StringComparison.Ordinal));
    }

    private static async Task<AsyncGateway> StartAsync(StubEngine[] engines, params string[] extra) => new(await StubGateway.StartAsync(engines, extra));

    private sealed class AsyncGateway(StubGateway gateway) : IAsyncDisposable
    {
        public OpenMaas.Inference.Upstream.UpstreamEndpoint[] Endpoints => gateway.Endpoints;

        public CapturingLoggerProvider Logs => gateway.Logs;

        public HttpClient CreateClient() => gateway.CreateClient();

        public ValueTask DisposeAsync() => new(gateway.DisposeAsync());
    }
}
