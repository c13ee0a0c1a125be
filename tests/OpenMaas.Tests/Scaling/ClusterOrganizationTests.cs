using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.Pipeline;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Scaling;

/// <summary>An organisation's shared allowance and its members' caps hold exactly across two nodes sharing Redis and
/// PostgreSQL: real <c>openmaas serve</c> processes, real HTTP, organisation tokens of three members.</summary>
[Trait("Category", "Slow")]
public sealed class ClusterOrganizationTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private const int UserDaily = 10_000;
    private const int OrgRpm = 100_000; // far above the bursts: present so every answer carries OpenAI's x-ratelimit-* too

    [Fact]
    public async Task ThousandConcurrentOrgCalls_OnTwoNodes_FillTheMemberCapsAndTheSharedAllowanceExactly()
    {
        // acme-two: 100 units a day shared; xavier may spend 30 of them, yuki 50, zoe has no cap of her own.
        var organizations = cluster.Admin.GetRequiredService<IOrganizationService>();
        var limits = cluster.Admin.GetRequiredService<IQuotaLimits>();
        var (_, xavierPersonal) = await cluster.UserAsync("xavier", UserDaily);
        await cluster.UserAsync("yuki", UserDaily);
        await cluster.UserAsync("zoe", UserDaily);
        var ids = new Dictionary<string, long>();
        foreach (var name in new[] { "xavier", "yuki", "zoe" })
        {
            ids[name] = (await cluster.Admin.GetRequiredService<IAccountService>().FindAsync(name))!.Id;
        }

        var org = (await organizations.CreateAsync("acme-two", null, ids["xavier"]))!;
        await organizations.AddMemberAsync(org.Id, ids["yuki"], OrganizationRoles.Member);
        await organizations.AddMemberAsync(org.Id, ids["zoe"], OrganizationRoles.Member);
        await limits.SetAsync(new LimitScope(OrganizationId: org.Id), new LimitValues(Daily: 100, Rpm: OrgRpm));
        await limits.SetAsync(new LimitScope(UserId: ids["xavier"], OrganizationId: org.Id), new LimitValues(Daily: 30));
        await limits.SetAsync(new LimitScope(UserId: ids["yuki"], OrganizationId: org.Id), new LimitValues(Daily: 50));
        var tokens = cluster.Admin.GetRequiredService<ITokenService>();
        var orgTokens = new Dictionary<string, string>();
        foreach (var (name, id) in ids)
        {
            orgTokens[name] = (await tokens.CreateAsync(id, name + "@acme-two", null, TokenScope.Unrestricted, org.Id)).Text;
        }

        // Burst one: xavier and yuki, 500 calls each, alternating nodes: each member's cap fills exactly (80 of the
        // shared 100), every other call is refused by the member cap.
        var first = await BurstAsync(orgTokens, ["xavier", "yuki"]);
        Assert.True(Admitted(first, "xavier") == 30 && Admitted(first, "yuki") == 50, Seen(first));
        Assert.All(Refused(first), r => Assert.Equal("member_daily_quota_exceeded", r.Code));

        // Burst two: all three, 1,000 calls: only zoe has room, and only the 20 units left of the shared allowance.
        var second = await BurstAsync(orgTokens, ["xavier", "yuki", "zoe"]);
        Assert.True(Admitted(second, "zoe") == 20 && Admitted(second, "xavier") + Admitted(second, "yuki") == 0, Seen(second));
        Assert.All(Refused(second).Where(r => r.Member == "zoe"), r => Assert.Equal("organization_daily_quota_exceeded", r.Code));
        Assert.All(Refused(second).Where(r => r.Member != "zoe"), r => Assert.Contains(r.Code, new[] { "member_daily_quota_exceeded", "organization_daily_quota_exceeded" }));

        // Every refusal is a 429 with Retry-After and both header families.
        Assert.All(Refused(first).Concat(Refused(second)), r =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.Status);
            Assert.True(int.Parse(r.RetryAfter) >= 1, $"Retry-After: '{r.RetryAfter}'");
            Assert.Equal(UserDaily.ToString(), r.DailyLimit);
            Assert.NotEqual(string.Empty, r.DailyRemaining);
            Assert.Equal(OrgRpm.ToString(), r.RpmLimit);
            Assert.NotEqual(string.Empty, r.RpmRemaining);
            Assert.EndsWith("s", r.RpmReset, StringComparison.Ordinal);
        });

        // The shared usage log agrees, member by member; the member's personal token is outside the organisation's pools.
        Assert.Equal((30L, 50L, 20L), (await CountedAsync(org.Id, ids["xavier"]), await CountedAsync(org.Id, ids["yuki"]), await CountedAsync(org.Id, ids["zoe"])));
        using var personal = cluster.B.Client(xavierPersonal);
        using var call = await personal.ChatAsync();
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
    }

    private sealed record Answer(string Member, HttpStatusCode Status, string? Code, string RetryAfter, string DailyLimit, string DailyRemaining, string RpmLimit, string RpmRemaining, string RpmReset);

    /// <summary>1,000 concurrent calls, the members' tokens in turn, nodes A and B in turn.</summary>
    private async Task<Answer[]> BurstAsync(Dictionary<string, string> tokens, string[] members)
    {
        var clients = members.SelectMany(m => new[] { (m, cluster.A.Client(tokens[m])), (m, cluster.B.Client(tokens[m])) }).ToArray();
        try
        {
            return await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
            {
                var (member, http) = clients[i % clients.Length];
                using var response = await http.ChatAsync();
                return new Answer(
                    member,
                    response.StatusCode,
                    response.StatusCode == HttpStatusCode.OK ? null : (await response.ErrorAsync()).Code,
                    response.Header("Retry-After"),
                    response.Header(QuotaResponses.LimitHeader),
                    response.Header(QuotaResponses.RemainingHeader),
                    response.Header(QuotaResponses.RequestsLimitHeader),
                    response.Header(QuotaResponses.RequestsRemainingHeader),
                    response.Header(QuotaResponses.RequestsResetHeader));
            }));
        }
        finally
        {
            foreach (var (_, http) in clients)
            {
                http.Dispose();
            }
        }
    }

    private static int Admitted(Answer[] answers, string member) => answers.Count(a => a.Member == member && a.Status == HttpStatusCode.OK);

    private static IEnumerable<Answer> Refused(Answer[] answers) => answers.Where(a => a.Status != HttpStatusCode.OK);

    private string Seen(Answer[] answers) =>
        string.Join(", ", answers.GroupBy(a => (a.Member, a.Status, a.Code)).Select(g => $"{g.Key.Member} {g.Key.Status} {g.Key.Code}: {g.Count()}"))
        + $"\nA: {cluster.A.Log}\nB: {cluster.B.Log}";

    /// <summary>The member's calls counted in the shared usage log against the organisation.</summary>
    private async Task<long> CountedAsync(long organizationId, long userId)
    {
        await using var connection = new NpgsqlConnection(cluster.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FROM usage_log WHERE \"OrganizationId\" = @org AND \"UserId\" = @user AND \"Counted\"", connection);
        command.Parameters.AddWithValue("org", organizationId);
        command.Parameters.AddWithValue("user", userId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
