using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Upstream;

/// <summary>Two real OpenMaaS engines behind a gateway; one is killed (SIGKILL) under load. No call that had not
/// started streaming fails: those in flight on the dead engine are retried on the other one.</summary>
[Trait("Category", "Slow")]
public sealed class UpstreamKillTests : IAsyncLifetime
{
    private readonly string _victimData = Path.Combine(Path.GetTempPath(), "openmaas-tests", "victim-" + Guid.NewGuid().ToString("N"));
    private readonly OpenMaasUpstreamFixture.EngineNode _survivor = new();
    private OpenMaasProcess.Running? _victim;
    private string _victimToken = "";
    private Gateway? _gateway;

    public async Task InitializeAsync()
    {
        var survivorStart = _survivor.InitializeAsync();
        Assert.Equal(0, (await Cli.RunAsync(_victimData, null, "model", "add", TestAssets.StoriesGguf, "--id", TestAssets.StoriesId, "--link")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(_victimData, null, "user", "add", "gateway")).ExitCode);
        _victimToken = (await Cli.RunAsync(_victimData, null, "token", "create", "--user", "gateway")).Stdout.Trim();
        _victim = await OpenMaasProcess.StartAsync(_victimData, new Dictionary<string, string> { ["OPENMAAS_Quota__Enabled"] = "false" });
        try
        {
            await survivorStart;
            _gateway = new Gateway(
            [
                (_survivor.V1.ToString(), _survivor.ApiKey),
                (_victim.Url + "/v1", _victimToken),
            ]);
            await _gateway.InitializeAsync();
        }
        catch
        {
            // xunit does not dispose a class whose InitializeAsync failed: stop the child process here, or it outlives the run.
            _victim.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task KillingOneEngineUnderLoad_FailsNoCallThatHadNotStartedStreaming()
    {
        using var http = _gateway!.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("ok", await CallAsync(http, stream: i % 2 == 0)); // warm: both engines load the model
        }

        var outcomes = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                outcomes.Add(await CallAsync(http, stream: (w + i) % 2 == 0));
            }
        })).ToArray();

        await Eventually.WaitAsync(() => outcomes.Count >= 12, "12 calls answered before the kill");
        var beforeKill = outcomes.Count;
        _victim!.Process.Kill();
        await _victim.Process.WaitForExitAsync();
        await Eventually.WaitAsync(() => outcomes.Count >= beforeKill + 24, "24 more calls answered after the kill");
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var failed = outcomes.Where(o => o.StartsWith("failed", StringComparison.Ordinal)).ToArray();
        Assert.True(beforeKill > 6, $"only {beforeKill} calls before the kill");
        Assert.True(outcomes.Count - beforeKill > 6, $"only {outcomes.Count - beforeKill} calls after the kill");
        Assert.Empty(failed);
        var victim = _gateway.Endpoints.Single(e => e.Target.BaseUrl.ToString().StartsWith(_victim.Url, StringComparison.Ordinal));
        Assert.True(victim.Failures > 0, "the dead engine was never noticed");
    }

    /// <summary>"ok", "cut after streaming started" (allowed: an error event after content), or "failed …".</summary>
    private static async Task<string> CallAsync(HttpClient http, bool stream)
    {
        var body = new
        {
            model = TestAssets.StoriesId,
            messages = new[] { new { role = "user", content = "Once upon a time" } },
            max_tokens = 12,
            temperature = 0,
            stream,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"failed {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }

        if (!stream)
        {
            await response.Content.ReadAsStringAsync();
            return "ok";
        }

        var events = 0;
        await foreach (var data in Sse.ReadDataAsync(response))
        {
            if (data == "[DONE]")
            {
                return "ok";
            }

            if (data.StartsWith("{\"error\"", StringComparison.Ordinal))
            {
                return events > 0 ? "cut after streaming started" : "failed: error event first";
            }

            events++;
        }

        return events > 0 ? "cut after streaming started" : "failed: empty stream";
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _victim?.Dispose();
        await _survivor.DisposeAsync();
        try
        {
            Directory.Delete(_victimData, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Gateway((string Url, string Key)[] engines) : ServerFixture
    {
        protected override bool RegisterStories => false;

        public OpenMaas.Inference.Upstream.UpstreamEndpoint[] Endpoints =>
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<OpenMaas.Inference.Upstream.UpstreamRegistry>(Services).Get(TestAssets.StoriesId);

        protected override IEnumerable<string> Settings =>
        [
            "Upstreams:HealthCheckSeconds=0.5",
            .. engines.SelectMany((e, i) => new[]
            {
                $"Upstreams:Models:{TestAssets.StoriesId}:Deployments:{i}:Url={e.Url}",
                $"Upstreams:Models:{TestAssets.StoriesId}:Deployments:{i}:ApiKey={e.Key}",
            }),
        ];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            for (var i = 0; i < 100 && Endpoints.Length < engines.Length; i++)
            {
                await Task.Delay(50);
            }
        }
    }
}
