using System.Net;

namespace OpenMaas.Tests.Scaling;

/// <summary><c>/readyz</c> follows the database and Redis; <c>/healthz</c> stays 200 (the process is alive).</summary>
[Trait("Category", "Slow")]
public sealed class ReadinessTests(ReadinessTests.Fixture node) : IClassFixture<ReadinessTests.Fixture>
{
    /// <summary>One node on its own PostgreSQL server (stopped and started here) and its own Redis.</summary>
    public sealed class Fixture : ClusterFixture
    {
        protected override bool OwnPostgres => true;

        protected override bool SecondNode => false;
    }

    [Fact]
    public async Task Readyz_Is503WhilePostgresOrRedisIsDown_And200WhenTheyReturn()
    {
        using var http = node.A.Client();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        await OperationsTests.WaitForAsync(http, HttpStatusCode.OK);

        await node.Postgres.StopAsync();
        Assert.Contains("database", await OperationsTests.WaitForAsync(http, HttpStatusCode.ServiceUnavailable));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode); // alive all along
        await node.Postgres.StartProcessAsync();
        await OperationsTests.WaitForAsync(http, HttpStatusCode.OK);

        await node.Redis.StopAsync();
        Assert.Contains("redis", await OperationsTests.WaitForAsync(http, HttpStatusCode.ServiceUnavailable));
        await node.Redis.StartProcessAsync();
        await OperationsTests.WaitForAsync(http, HttpStatusCode.OK);
    }

}
