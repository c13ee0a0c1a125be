using System.Collections.Concurrent;
using System.Net;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Scaling;

/// <summary>
/// PostgreSQL stopped and started again under load, the node left running: readiness drops, calls fail closed (503 in
/// the OpenAI envelope with Retry-After, never 500), and once PostgreSQL is back the node is ready and answers 200 by
/// itself; every admitted call is in the usage log, and the shared counter holds exactly what the log holds.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PostgresRestartTests(PostgresRestartTests.Fixture node, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PostgresRestartTests.Fixture>
{
    public sealed class Fixture : ClusterFixture
    {
        protected override bool OwnPostgres => true;

        protected override bool SecondNode => false;
    }

    [Fact]
    public async Task PostgresRestartedMidLoad_CallsFailClosed_AndServiceComesBackWithoutRestartingTheNode()
    {
        var (_, token) = await node.UserAsync("pg-restart", 100_000);
        using var http = node.A.Client(token);
        using var probe = node.A.Client();
        var answers = new ConcurrentQueue<CallAnswer>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                answers.Enqueue(await CallAsync(http));
            }
        })).ToArray();

        await Eventually.WaitAsync(() => answers.Count(a => a.Status == HttpStatusCode.OK) >= 20, $"20 calls answered before PostgreSQL stops:\n{node.A.Log}");
        await node.Postgres.StopAsync();
        Assert.Contains("database", await OperationsTests.WaitForAsync(probe, HttpStatusCode.ServiceUnavailable));
        await Eventually.WaitAsync(() => answers.Any(a => a.Status == HttpStatusCode.ServiceUnavailable), "a call failing closed while PostgreSQL is down");
        var failedBefore = answers.Count;

        await node.Postgres.StartProcessAsync();
        Npgsql.NpgsqlConnection.ClearAllPools(); // this test host's own connections (the fixture's) died with the server
        await OperationsTests.WaitForAsync(probe, HttpStatusCode.OK);
        await Eventually.WaitAsync(() => answers.Skip(failedBefore).Count(a => a.Status == HttpStatusCode.OK) >= 20, $"20 calls answered after PostgreSQL is back:\n{node.A.Log}");
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var all = answers.ToArray();
        var seen = CallAnswer.Summary(all);
        var ok = all.Count(a => a.Status == HttpStatusCode.OK);
        var counted = await node.CountedAsync("pg-restart");
        var counter = await node.RedisTotalAsync("pg-restart");
        var summary = $"{seen}; usage log {counted} counted; Redis counter {counter}";
        output.WriteLine(summary);
        Assert.True(all.All(a => a.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable), $"{summary}\n{node.A.Log}");
        Assert.True(all.Where(a => a.Status != HttpStatusCode.OK).All(a => a.Envelope && a.RetryAfter), $"a 503 without the envelope or Retry-After: {summary}");
        Assert.DoesNotContain("Unhandled error", node.A.Log, StringComparison.Ordinal);
        Assert.True(counted == ok, summary); // every answered call recorded, none of the failed ones counted
        Assert.True(counter == counted, summary); // nothing admitted without its record
    }

    private static async Task<CallAnswer> CallAsync(HttpClient http)
    {
        try
        {
            using var response = await http.ChatAsync();
            return await CallAnswer.OfAsync(response);
        }
        catch (HttpRequestException e)
        {
            return new CallAnswer(0, false, false, e.Message);
        }
    }
}
