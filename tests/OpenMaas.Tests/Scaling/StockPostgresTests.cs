using System.Net;
using System.Text;
using Npgsql;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Scaling;

/// <summary>
/// Three nodes on a PostgreSQL with its stock <c>max_connections</c> (100, Debian's default), each node with the
/// product's own pool bound (<c>Database:MaxPoolSize</c>, nothing in the connection string): a burst bigger than the
/// pools waits for connections or fails closed with 503, never 500, and the quota stays exact.
/// </summary>
public sealed class StockPostgresTests(StockPostgresTests.Fixture cluster, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<StockPostgresTests.Fixture>
{
    private const int PerNode = 600;
    private const int Users = 3;
    private const int Limit = 400;

    public sealed class Fixture : ClusterFixture
    {
        public ServedNode C { get; private set; } = null!;

        public IReadOnlyList<ServedNode> Nodes => [A, B, C];

        protected override bool OwnPostgres => true;

        protected override int MaxConnections => 100;

        /// <summary>The test server's pool settings go: every process takes the product's defaults.</summary>
        protected override string NodeDatabase(string database)
        {
            var builder = new NpgsqlConnectionStringBuilder(database);
            builder.Remove("Maximum Pool Size");
            builder.Remove("Timeout");
            return builder.ConnectionString;
        }

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            C = await StartNodeAsync(NewDataFolder());
        }

        public override async Task DisposeAsync()
        {
            if (C is not null)
            {
                await C.DisposeAsync();
            }

            await base.DisposeAsync();
        }
    }

    [Fact]
    public async Task ThreeNodesTimes600ConcurrentCalls_OnAStockPostgres_AnswerOnly200_429Or503_AndTheQuotaStaysExact()
    {
        await using (var connection = new NpgsqlConnection(cluster.Database))
        {
            await connection.OpenAsync();
            await using var show = new NpgsqlCommand("SHOW max_connections", connection);
            Assert.Equal("100", (string?)await show.ExecuteScalarAsync());
        }

        var users = new List<(string Name, string Token)>();
        for (var u = 0; u < Users; u++)
        {
            var (_, token) = await cluster.UserAsync($"stock{u}", Limit);
            users.Add(($"stock{u}", token));
        }

        // One client per node and user; each node gets PerNode calls at once, each user Users × PerNode / Users.
        var clients = cluster.Nodes.SelectMany(n => users.Select(u => n.Client(u.Token))).ToArray();
        try
        {
            var calls = Enumerable.Range(0, PerNode * cluster.Nodes.Count).Select(i => (Node: i % cluster.Nodes.Count, User: i / cluster.Nodes.Count % Users)).ToList();
            var answers = await Task.WhenAll(calls.Select(c => CallAsync(clients[c.Node * Users + c.User])));
            var byUser = calls.Zip(answers, (c, a) => (c.User, Answer: a)).ToLookup(x => x.User, x => x.Answer);
            var seen = CallAnswer.Summary(answers);
            var logs = string.Join("\n", cluster.Nodes.Select((n, i) => $"node {i}:\n{n.Log}"));
            output.WriteLine($"{answers.Length} calls on {cluster.Nodes.Count} nodes: {seen}");

            Assert.True(answers.All(a => a.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable), $"{seen}\n{logs}");
            Assert.True(answers.Where(a => a.Status != HttpStatusCode.OK).All(a => a.Envelope), $"an error outside the OpenAI envelope: {seen}");
            Assert.True(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).All(a => a.RetryAfter), $"a 503 without Retry-After: {seen}");
            Assert.DoesNotContain("Unhandled error", logs, StringComparison.Ordinal);
            Assert.DoesNotContain("Redis connection", logs, StringComparison.Ordinal); // "… lost": no connection dropped under the burst

            for (var u = 0; u < Users; u++)
            {
                var (name, _) = users[u];
                var ok = byUser[u].Count(a => a.Status == HttpStatusCode.OK);
                var (counted, refunded) = await UsageAsync(name);
                var total = await cluster.RedisTotalAsync(name);
                var summary = $"{name}: {ok} × 200, {byUser[u].Count(a => a.Status == HttpStatusCode.TooManyRequests)} × 429, " +
                              $"{byUser[u].Count(a => a.Status == HttpStatusCode.ServiceUnavailable)} × 503; usage log {counted} counted + {refunded} refunded; " +
                              $"Redis total {total} (all: {seen})";
                output.WriteLine(summary);
                Assert.True(ok <= Limit, summary);
                Assert.True(counted == ok, summary);
                Assert.True(total == ok, summary);
                Assert.True(refunded <= byUser[u].Count(a => a.Status == HttpStatusCode.ServiceUnavailable), summary);
                if (refunded == 0 && byUser[u].Any(a => a.Status == HttpStatusCode.TooManyRequests))
                {
                    Assert.True(ok == Limit, summary); // nothing given back: the limit was reached, and only it
                }
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static async Task<CallAnswer> CallAsync(HttpClient client)
    {
        using var response = await client.PostAsync(Quota.QuotaTestExtensions.Chat, new StringContent(
            $$"""{"model":"{{TestAssets.StoriesId}}","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":1}""", Encoding.UTF8, "application/json"));
        return await CallAnswer.OfAsync(response);
    }

    /// <summary>The user's rows in the shared usage log: counted, and given back (refunded).</summary>
    private async Task<(long Counted, long Refunded)> UsageAsync(string user)
    {
        await using var connection = new NpgsqlConnection(cluster.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FILTER (WHERE l.\"Counted\"), COUNT(*) FILTER (WHERE NOT l.\"Counted\") FROM usage_log l JOIN users u ON u.\"Id\" = l.\"UserId\" WHERE u.\"Name\" = @name",
            connection);
        command.Parameters.AddWithValue("name", user);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
