using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Scaling;

/// <summary>Two nodes on PostgreSQL + Redis admit exactly across nodes and see each other's revocations.</summary>
[Trait("Category", "Slow")]
public sealed class ClusterTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task ThousandConcurrentCalls_SplitAcrossTwoNodes_AdmitExactlyTheLimit_FiveTimesOver()
    {
        for (var round = 0; round < 5; round++)
        {
            var name = $"split{round}";
            var (_, token) = await cluster.UserAsync(name, 100);
            using var a = cluster.A.Client(token);
            using var b = cluster.B.Client(token);
            var statuses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
            {
                using var response = await (i % 2 == 0 ? a : b).ChatAsync();
                return response.StatusCode;
            }));
            var seen = string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key}: {g.Count()}"));
            Assert.True(statuses.Count(s => s == HttpStatusCode.OK) == 100, $"round {round}: {seen}\nA: {cluster.A.Log}\nB: {cluster.B.Log}");
            Assert.Equal(900, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
            Assert.Equal(100, await cluster.CountedAsync(name));
        }
    }

    [Fact]
    public async Task AResponseMadeOnNodeA_ContinuesOnNodeB_AndOnlyItsOwnerSeesIt()
    {
        var (_, token) = await cluster.UserAsync("responder", 100);
        using var a = cluster.A.Client(token);
        using var b = cluster.B.Client(token);
        var first = await (await a.PostAsJsonAsync("/v1/responses", new
        {
            model = TestAssets.StoriesId, input = "Once upon a time", max_output_tokens = 40, temperature = 0,
        })).Content.ReadFromJsonAsync<JsonElement>();
        var id = first.GetProperty("id").GetString()!;
        Assert.Equal(TestAssets.StoriesGreedy40, first.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());

        var second = await b.PostAsJsonAsync("/v1/responses", new { model = TestAssets.StoriesId, input = "The end", previous_response_id = id, max_output_tokens = 4 });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var items = await a.GetFromJsonAsync<JsonElement>($"/v1/responses/{secondId}/input_items?order=asc");
        Assert.Equal(TestAssets.StoriesGreedy40, items.GetProperty("data")[1].GetProperty("content")[0].GetProperty("text").GetString());

        var (_, other) = await cluster.UserAsync("not-responder", 100);
        using var stranger = cluster.B.Client(other);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/v1/responses/{id}")).StatusCode);
    }

    [Fact]
    public async Task ATokenRevokedThroughNodeA_IsRefusedByNodeB_ThroughTheChangeNotice()
    {
        // Node B caches the token and has no expiry that would drop it: only the change notice A publishes after the
        // commit can make B refuse it, so a refusal within the (generous) deadline proves the notice.
        var (_, owner) = await cluster.UserAsync("revoker", 1000);
        var (victimId, victim) = await cluster.TokenAsync("revoker");
        using var onB = cluster.B.Client(victim);
        Assert.Equal(HttpStatusCode.OK, (await onB.ChatAsync()).StatusCode); // B has the token cached now
        Assert.Equal(HttpStatusCode.OK, (await onB.ChatAsync()).StatusCode);

        using var onA = cluster.A.Client(owner);
        Assert.Equal(HttpStatusCode.NoContent, (await onA.DeleteAsync($"/api/v1/tokens/{victimId}")).StatusCode);
        var status = HttpStatusCode.OK;
        await Eventually.WaitAsync(async () =>
        {
            using var response = await onB.ChatAsync();
            status = response.StatusCode;
            return status != HttpStatusCode.OK;
        }, "node B to refuse the token revoked through node A", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task RedisLostMidRun_NothingIsOverAdmitted_AndServiceComesBackByItself()
    {
        const int limit = 60;
        var (_, token) = await cluster.UserAsync("restart", limit);
        using var a = cluster.A.Client(token);
        using var b = cluster.B.Client(token);
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await (w % 2 == 0 ? a : b).ChatAsync();
                statuses.Add(response.StatusCode);
            }
        })).ToArray();

        await Eventually.WaitAsync(() => statuses.Count(s => s == HttpStatusCode.OK) >= limit / 3, $"{limit / 3} calls admitted before Redis goes");

        await cluster.Redis.StopAsync(); // SIGKILL, no persistence: every counter is gone
        await Eventually.WaitAsync(() => statuses.Contains(HttpStatusCode.ServiceUnavailable), "a call failing closed (503) while Redis is down");
        await cluster.Redis.StartProcessAsync();

        // Back by itself: calls are decided again (200 until the limit, then 429), no 503 once recovered.
        await Eventually.WaitAsync(() => statuses.Contains(HttpStatusCode.TooManyRequests), "a 429 once Redis is back (calls decided again)");

        await stop.CancelAsync();
        await Task.WhenAll(workers);

        // Each node reconnects on its own schedule: both answer 429 (not 503) within a bound.
        foreach (var node in new[] { a, b })
        {
            var waited = Stopwatch.StartNew();
            HttpStatusCode last;
            while (true)
            {
                using var response = await node.ChatAsync();
                last = response.StatusCode;
                Assert.NotEqual(HttpStatusCode.OK, last); // the limit is spent: nothing more is admitted
                if (last != HttpStatusCode.ServiceUnavailable || waited.Elapsed > TimeSpan.FromSeconds(30))
                {
                    break;
                }

                await Task.Delay(200);
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, last);
        }

        var admitted = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.True(admitted <= limit, $"{admitted} calls admitted against a limit of {limit}");
        Assert.True(admitted >= limit - 8, $"only {admitted} of {limit} admitted: the rebuild counted far too much");
        Assert.Equal(admitted, await cluster.CountedAsync("restart"));
    }
}
