using System.Net;
using OpenMaas.Server.Pipeline;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

/// <summary>A limit set by the CLI, in another process, applies to the running server's very next call, although the
/// server keeps limits in memory.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class QuotaCliTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task LimitSetByTheCli_AppliesToTheVeryNextCall()
    {
        var (_, token) = await server.CreateUserAsync("cli-limit");
        using var http = server.CreateClient(token);
        foreach (var (daily, model) in new[] { (50, false), (40, false), (30, true), (7, false) })
        {
            string[] args = ["quota", "set", "--daily", daily.ToString(), "--user", "cli-limit", .. model ? new[] { "--model", TestAssets.StoriesId } : []];
            Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, args)).ExitCode);
            using var response = await http.ChatAsync();
            var header = model ? QuotaResponses.ModelLimitHeader : QuotaResponses.LimitHeader;
            Assert.Equal(daily.ToString(), response.Header(header));
            // And again, answered from the cache.
            using var again = await http.ChatAsync();
            Assert.Equal(daily.ToString(), again.Header(header));
        }

        // 7 a day, and this user has made 7 calls today (the last one was refused): the next one is refused too.
        using var over = await http.ChatAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
    }

    [Fact]
    public async Task RpmAndWeight_SetByTheCli_ApplyToTheNextCall_AndQuotaListShowsThem()
    {
        const string Weighted = "karpathy/stories260K-cli";
        await server.RegisterModelAsync(TestAssets.StoriesGguf, Weighted, link: true);
        var (_, token) = await server.CreateUserAsync("cli-rpm");
        using var http = server.CreateClient(token);
        Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, ["quota", "set", "--user", "cli-rpm", "--daily", "10", "--rpm", "0"])).ExitCode);
        using (var refused = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("rate_limit_exceeded", (await refused.ErrorAsync()).Code);
            Assert.Equal(("0", "0"), (refused.Header(QuotaResponses.RequestsLimitHeader), refused.Header(QuotaResponses.RequestsRemainingHeader)));
        }

        var (rc, list, _) = await Cli.RunAsync(server.DataPath, null, ["quota", "list"]);
        Assert.Equal(0, rc);
        Assert.Matches(@"user\s+cli-rpm\s+-\s+-\s+-\s+10\s+0\s+-", list);

        Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, ["quota", "set", "--user", "cli-rpm", "--rpm", "none"])).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, ["model", "set", Weighted, "--weight", "3"])).ExitCode);
        using var heavy = await http.ChatAsync(Weighted);
        Assert.Equal(HttpStatusCode.OK, heavy.StatusCode);
        Assert.Equal(("10", "7"), (heavy.Header(QuotaResponses.LimitHeader), heavy.Header(QuotaResponses.RemainingHeader)));
        Assert.Equal(string.Empty, heavy.Header(QuotaResponses.RequestsLimitHeader)); // no per-minute limit left

        Assert.Equal(2, (await Cli.RunAsync(server.DataPath, null, ["quota", "set", "--token", "1", "--model", Weighted, "--rpm", "5"])).ExitCode);
    }
}
