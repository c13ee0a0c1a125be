using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Scaling;

/// <summary>What a load balancer and an operator see: readiness, Prometheus metrics, the added-time header, SIGTERM.</summary>
[Trait("Category", "Slow")]
public sealed partial class OperationsTests(OperationsTests.Fixture node) : IClassFixture<OperationsTests.Fixture>
{
    /// <summary>One node on the shared PostgreSQL server and its own Redis.</summary>
    public sealed class Fixture : ClusterFixture
    {
        protected override bool SecondNode => false;
    }

    [Fact]
    public async Task Metrics_ParseAsPrometheusText_AndMoveWithTheCalls_AndResponsesCarryTheAddedTime()
    {
        var (_, token) = await node.UserAsync("metered", 1000);
        using var http = node.A.Client(token);
        var before = await ScrapeAsync(http);
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.ChatAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{node.A.Log}");
            var added = double.Parse(response.Header("x-openmaas-added-ms"), CultureInfo.InvariantCulture);
            Assert.InRange(added, 0, 10_000);
        }

        Dictionary<string, double> after;
        var waited = Stopwatch.StartNew();
        do
        {
            await Task.Delay(400); // the exporter caches a scrape briefly
            after = await ScrapeAsync(http);
        }
        while (Value(after, "openmaas_quota_admissions_total", "result=\"admitted\"") - Value(before, "openmaas_quota_admissions_total", "result=\"admitted\"") < 3
            && waited.Elapsed < TimeSpan.FromSeconds(60));

        Assert.Equal(3, Value(after, "openmaas_quota_admissions_total", "result=\"admitted\"") - Value(before, "openmaas_quota_admissions_total", "result=\"admitted\""));
        Assert.Equal(3, Value(after, "openmaas_calls_total", "model=\"karpathy/stories260K\"") - Value(before, "openmaas_calls_total", "model=\"karpathy/stories260K\""));
        Assert.True(Value(after, "openmaas_tokens_total", "type=\"completion\"") >= Value(before, "openmaas_tokens_total", "type=\"completion\"") + 3);
        Assert.True(Value(after, "http_server_request_duration_seconds_count", "model=\"karpathy/stories260K\"") >= 3);
        Assert.True(Value(after, "openmaas_redis_duration_milliseconds_count", "operation=\"admit\"") >= 3);
        Assert.True(Value(after, "openmaas_db_duration_milliseconds_count", "operation=\"usage_commit\"") >= 1);
        Assert.True(Value(after, "openmaas_models_loaded", string.Empty) >= 1);
        // The runtime's own meter (docs/operations.md's memory alert reads it): this process's working set, in bytes.
        Assert.True(Value(after, "dotnet_process_memory_working_set_bytes", string.Empty) > 20 << 20, "no dotnet_process_memory_working_set_bytes on /metrics");
    }

    [Fact]
    public async Task Sigterm_During8Streams_LetsThemFinish_RecordsAll8_AndExitsZero()
    {
        var (_, token) = await node.UserAsync("drained", 1000);
        await using var draining = await node.StartNodeAsync(node.NewDataFolder(), "--Operations:DrainDelaySeconds=5");
        using var http = draining.Client(token);
        var firstChunk = Enumerable.Range(0, 8).Select(_ => new TaskCompletionSource()).ToArray();
        var streams = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, QuotaTestExtensions.Chat)
            {
                Content = new StringContent($$"""{"model":"{{TestAssets.StoriesId}}","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":300,"ignore_eos":true,"stream":true}""", Encoding.UTF8, "application/json"),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var done = false;
            await foreach (var data in Sse.ReadDataAsync(response))
            {
                firstChunk[i].TrySetResult();
                done |= data == "[DONE]";
            }

            firstChunk[i].TrySetResult();
            return done;
        })).ToArray();

        await Task.WhenAll(firstChunk.Select(t => t.Task)).WaitAsync(TimeSpan.FromMinutes(2));
        ServiceProcess.Signal(draining.Process.Id, "TERM");
        using (var probe = draining.Client())
        {
            await WaitForAsync(probe, HttpStatusCode.ServiceUnavailable); // readiness drops first, within the drain delay
        }

        using (var late = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode); // not admitted, costs nothing
        }

        Assert.All(await Task.WhenAll(streams), Assert.True);
        using var exit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await draining.Process.WaitForExitAsync(exit.Token);
        Assert.Equal(0, draining.Process.ExitCode);
        Assert.Equal(8, await node.CountedAsync("drained"));
    }

    internal static async Task<string> WaitForAsync(HttpClient http, HttpStatusCode wanted)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.GetAsync("/readyz");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == wanted)
            {
                return body;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"/readyz stayed {response.StatusCode}: {body}");
            await Task.Delay(200);
        }
    }

    /// <summary>Parses the Prometheus text format strictly: every sample line must be NAME{LABELS} VALUE.</summary>
    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var samples = new Dictionary<string, double>();
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(@"^# (HELP|TYPE|EOF|UNIT)\b", line);
                continue;
            }

            var match = Sample().Match(line);
            Assert.True(match.Success, $"not Prometheus text: {line}");
            samples[match.Groups["series"].Value] = double.Parse(match.Groups["value"].Value.Replace("+Inf", "Infinity"), CultureInfo.InvariantCulture);
        }

        return samples;
    }

    /// <summary>Sum of the samples of a metric whose labels contain the fragment.</summary>
    private static double Value(Dictionary<string, double> samples, string name, string labels) =>
        samples.Where(s => (s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal)) && s.Key.Contains(labels, StringComparison.Ordinal)).Sum(s => s.Value);

    [GeneratedRegex(@"^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?) (?<value>[-+]?([0-9.]+([eE][-+]?[0-9]+)?|Inf|NaN))( [0-9]+)?$")]
    private static partial Regex Sample();
}
