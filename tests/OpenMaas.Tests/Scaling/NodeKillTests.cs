using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Npgsql;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Scaling;

/// <summary>
/// A node on PostgreSQL + Redis, the PostgreSQL with a production's durability settings (fsync, synchronous_commit and
/// full_page_writes on), killed with SIGKILL under streamed chat load and started again, in each durability mode of the
/// usage log: every call whose stream completed is in the usage log, counted, and once the dead node's heartbeat has
/// gone the shared counter holds exactly what the log holds — the calls it had admitted and never recorded given back.
/// </summary>
[Trait("Category", "Slow")]
public sealed class NodeKillTests(NodeKillTests.Fixture cluster, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<NodeKillTests.Fixture>
{
    private const int Workers = 16;

    public sealed class Fixture : ClusterFixture
    {
        protected override bool OwnPostgres => true;

        protected override bool DurablePostgres => true;

        protected override bool StartsNodes => false;
    }

    [Theory]
    [InlineData("ProcessSafe")]
    [InlineData("PowerSafe")]
    public async Task Sigkill_UnderStreamingLoad_LosesNoCompletedCall_AndTheCounterEqualsTheLogAfterRestart(string durability)
    {
        await using (var connection = new NpgsqlConnection(cluster.Database))
        {
            await connection.OpenAsync();
            foreach (var setting in new[] { "fsync", "synchronous_commit", "full_page_writes" })
            {
                await using var show = new NpgsqlCommand("SHOW " + setting, connection);
                Assert.Equal("on", (string?)await show.ExecuteScalarAsync());
            }
        }

        var user = "kill-" + durability.ToLowerInvariant();
        var (_, token) = await cluster.UserAsync(user, 100_000);
        var data = cluster.NewDataFolder();
        string[] settings = ["--Quota:UsageLogDurability=" + durability, "--Redis:NodeTimeoutMs=3000"];
        var completed = new ConcurrentBag<string>();
        var streaming = 0;
        int openAtKill;
        await using (var node = await cluster.StartNodeAsync(data, settings))
        {
            using var http = node.Client(token);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await http.SendAsync(StreamRequest(), HttpCompletionOption.ResponseHeadersRead);
                        Interlocked.Increment(ref streaming);
                        try
                        {
                            var (_, _, _, _, done) = await Sse.CollectAsync(response);
                            if (response.StatusCode == HttpStatusCode.OK && done)
                            {
                                completed.Add(response.Headers.GetValues("X-Request-Id").Single()); // read to [DONE]
                            }
                        }
                        finally
                        {
                            Interlocked.Decrement(ref streaming);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                    {
                        return; // the node is gone
                    }
                }
            })).ToArray();

            // Under load until calls completed (the first loads the model), then SIGKILL while streams are open.
            await Eventually.WaitAsync(() => completed.Count >= 40, $"40 streamed calls completed before the kill:\n{node.Log}", TimeSpan.FromMinutes(3));
            await Eventually.WaitAsync(() => Volatile.Read(ref streaming) >= Workers / 2, "half the workers mid-stream");
            node.Process.Kill(); // SIGKILL: no shutdown, no flush
            openAtKill = Volatile.Read(ref streaming);
            await node.Process.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        var logged = await CountedIdsAsync(user);
        var counterAtKill = await cluster.RedisTotalAsync(user);
        var summary = $"{durability}: {completed.Count} streams completed, {openAtKill} open at the kill; usage log {logged.Count} counted; " +
                      $"Redis counter {counterAtKill} after the kill";
        output.WriteLine(summary);
        Assert.Equal([], completed.Where(id => !logged.Contains(id)).ToArray());
        Assert.True(counterAtKill >= logged.Count, summary);

        // Started again (a new node id): it finds the dead node's heartbeat gone and gives back what it never recorded.
        await using var restarted = await cluster.StartNodeAsync(data, settings);
        long counter = -1;
        await Eventually.WaitAsync(async () => (counter = await cluster.RedisTotalAsync(user)) == logged.Count,
            $"the counter to equal the usage log after the restart ({summary}; counter now {counter})");
        output.WriteLine($"{durability}: after the restart the counter is {counter}, the log {logged.Count}");

        // Counting goes on from there, exactly.
        using var client = restarted.Client(token);
        using var next = await client.SendAsync(StreamRequest(), HttpCompletionOption.ResponseHeadersRead);
        Assert.True((await Sse.CollectAsync(next)).Done);
        Assert.Equal(logged.Count + 1, await cluster.CountedAsync(user));
        await Eventually.WaitAsync(async () => await cluster.RedisTotalAsync(user) == logged.Count + 1, "the counter to count the next call");
    }

    private static HttpRequestMessage StreamRequest() => new(HttpMethod.Post, Quota.QuotaTestExtensions.Chat)
    {
        Content = new StringContent(
            $$"""{"model":"{{TestAssets.StoriesId}}","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":48,"stream":true}""",
            Encoding.UTF8, "application/json"),
    };

    private async Task<HashSet<string>> CountedIdsAsync(string user)
    {
        await using var connection = new NpgsqlConnection(cluster.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT l.\"RequestId\" FROM usage_log l JOIN users u ON u.\"Id\" = l.\"UserId\" WHERE u.\"Name\" = @name AND l.\"Counted\"", connection);
        command.Parameters.AddWithValue("name", user);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Assert.True(ids.Add(reader.GetString(0)), $"request id {reader.GetString(0)} counted twice");
        }

        return ids;
    }
}
