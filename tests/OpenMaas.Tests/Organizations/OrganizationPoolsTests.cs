using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tokens;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Organizations;

/// <summary>
/// Organisations and limits together, end to end: a call with an organisation's token carries the organisation's claim,
/// so admission counts it against the organisation's shared allowance and the member's cap inside it (exactly, under
/// concurrency), while the same member's personal token is outside both. Organisation changes are in the audit log, and
/// single sign-on's organisation claim joins the organisations it names.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class OrganizationPoolsTests(OrganizationFixture server) : IClassFixture<OrganizationFixture>
{
    [Fact]
    public async Task OrgTokenCalls_CountAgainstTheMembersCapAndTheOrgsAllowance_Exactly_PersonalTokensDoNot()
    {
        var limits = server.Services.GetRequiredService<IQuotaLimits>();
        await limits.SetAsync(new LimitScope(OrganizationId: server.OrgId), new LimitValues(Daily: 5));
        await limits.SetAsync(new LimitScope(UserId: server.UserIds["mia"], OrganizationId: server.OrgId), new LimitValues(Daily: 3));
        var tokens = server.Services.GetRequiredService<ITokenService>();
        var miaOrg = (await tokens.CreateAsync(server.UserIds["mia"], "mia@acme", null, TokenScope.Unrestricted, server.OrgId)).Text;
        var adamOrg = (await tokens.CreateAsync(server.UserIds["adam"], "adam@acme", null, TokenScope.Unrestricted, server.OrgId)).Text;

        var mia = await BurstAsync(miaOrg, 20);
        Assert.Equal(3, mia.Count(r => r.Status == HttpStatusCode.OK)); // the member's cap inside the organisation
        Assert.All(mia.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal("member_daily_quota_exceeded", r.Code));

        var adam = await BurstAsync(adamOrg, 20);
        Assert.Equal(2, adam.Count(r => r.Status == HttpStatusCode.OK)); // what is left of the shared 5
        Assert.All(adam.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal("organization_daily_quota_exceeded", r.Code));

        var personal = await BurstAsync(server.Tokens["mia"], 2);
        Assert.All(personal, r => Assert.Equal(HttpStatusCode.OK, r.Status)); // not in the organisation's pools
    }

    [Fact]
    public async Task OrganisationChanges_AreAudited_AndTheSsoClaimJoinsNamedOrganisations()
    {
        var organizations = server.Services.GetRequiredService<IOrganizationService>();
        var oscar = server.UserIds["oscar"];
        await server.Services.GetRequiredService<IExternalMembership>().SyncAsync(oscar, [OrganizationFixture.Org, "no-such-org"], CancellationToken.None);
        Assert.Equal(OrganizationRoles.Member, await organizations.RoleOfAsync(server.OrgId, oscar));
        await server.Services.GetRequiredService<IExternalMembership>().SyncAsync(oscar, [OrganizationFixture.Org], CancellationToken.None); // again: no change, no error
        Assert.True(await organizations.SetRoleAsync(server.OrgId, oscar, OrganizationRoles.Admin));
        Assert.True(await organizations.RemoveMemberAsync(server.OrgId, oscar));

        var audit = server.Services.GetRequiredService<IAuditQueries>();
        var rows = (await audit.ListAsync(new AuditFilter { Action = "org.*", PageSize = 1000 })).Items;
        Assert.Contains(rows, r => r.Action == AuditActions.OrgCreate && r.After!.Contains(OrganizationFixture.Org, StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Action == AuditActions.OrgMemberAdd && r.After!.Contains($"\"userId\":{oscar}", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Action == AuditActions.OrgMemberRole && r.Before!.Contains("member", StringComparison.Ordinal) && r.After!.Contains("admin", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Action == AuditActions.OrgMemberRemove && r.Before!.Contains($"\"userId\":{oscar}", StringComparison.Ordinal));
    }

    private async Task<List<(HttpStatusCode Status, string? Code)>> BurstAsync(string token, int calls)
    {
        using var http = server.CreateClient(token);
        return [.. await Task.WhenAll(Enumerable.Range(0, calls).Select(async _ =>
        {
            using var response = await http.PostAsync("/v1/chat/completions", new StringContent(
                $$"""{"model":"{{OrganizationFixture.PublicModel}}","messages":[{"role":"user","content":"Hi"}],"max_tokens":1}""", Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            string? code = null;
            if (response.StatusCode != HttpStatusCode.OK && JsonDocument.Parse(body).RootElement.TryGetProperty("error", out var error))
            {
                code = error.GetProperty("code").GetString();
            }

            return (response.StatusCode, code);
        }))];
    }
}
