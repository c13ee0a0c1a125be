using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Tests.Organizations;

/// <summary>Every <c>/api/v1/orgs</c> endpoint as anonymous, an outsider (oscar), a member (mia), an org admin (adam),
/// the org owner (olivia) and a system admin (root): each cell's status is asserted. <c>{caller}</c> in a path or body
/// is the caller's name, so each caller changes its own target (users <c>tmp-{caller}</c>, one org token each).</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class OrganizationAuthorizationMatrixTests(OrganizationFixture server) : IClassFixture<OrganizationFixture>
{
    private static readonly string[] Callers = ["anonymous", "oscar", "mia", "adam", "olivia", "root"];

    /// <param name="Expected">Status for anonymous, outsider, member, org admin, org owner, system admin.</param>
    private sealed record Cell(string Method, string Path, int[] Expected, string? Body = null);

    [Fact]
    public async Task EveryOrganizationEndpoint_AnswersEachCallerAsDesigned()
    {
        var tokens = server.Services.GetRequiredService<ITokenService>();
        var orgTokens = new Dictionary<string, long>();
        foreach (var caller in Callers)
        {
            await server.CreateUserAsync("tmp-" + caller);
            orgTokens[caller] = (await tokens.CreateAsync(server.UserIds["mia"], "matrix " + caller, null, TokenScope.Unrestricted, server.OrgId)).Info.Id;
        }

        Cell[] cells =
        [
            new("GET", "/api/v1/orgs", [401, 200, 200, 200, 200, 200]),
            new("POST", "/api/v1/orgs", [401, 403, 403, 403, 403, 201], """{"name":"new-{caller}"}"""),
            new("POST", "/api/v1/orgs", [401, 403, 403, 403, 403, 400], """{"name":"12345"}"""),
            new("GET", "/api/v1/orgs/acme", [401, 404, 200, 200, 200, 200]),
            new("GET", "/api/v1/orgs/nosuch", [401, 404, 404, 404, 404, 404]),
            new("GET", "/api/v1/orgs/acme/members", [401, 404, 200, 200, 200, 200]),
            new("POST", "/api/v1/orgs/acme/members", [401, 404, 403, 201, 201, 201], """{"user":"tmp-{caller}","role":"member"}"""),
            new("POST", "/api/v1/orgs/acme/members", [401, 404, 403, 409, 409, 409], """{"user":"tmp-{caller}","role":"member"}"""),
            new("POST", "/api/v1/orgs/acme/members", [401, 404, 403, 400, 400, 400], """{"user":"tmp-{caller}","role":"boss"}"""),
            new("POST", "/api/v1/orgs/acme/members", [401, 404, 403, 404, 404, 404], """{"user":"nobody-{caller}","role":"member"}"""),
            new("PUT", "/api/v1/orgs/acme/members/tmp-{caller}", [401, 404, 403, 200, 200, 200], """{"role":"admin"}"""),
            // Only owners (and system admins) make owners.
            new("PUT", "/api/v1/orgs/acme/members/tmp-{caller}", [401, 404, 403, 403, 200, 200], """{"role":"owner"}"""),
            new("PUT", "/api/v1/orgs/acme/members/olivia", [401, 404, 403, 403, 200, 200], """{"role":"owner"}"""),
            // ...and unmake them: adam cannot remove tmp-adam (an admin), but the owner's own 'tmp-olivia' is an owner now.
            new("DELETE", "/api/v1/orgs/acme/members/tmp-{caller}", [401, 404, 403, 204, 204, 204]),
            new("DELETE", "/api/v1/orgs/acme/members/tmp-{caller}", [401, 404, 403, 404, 404, 404]),
            new("GET", "/api/v1/orgs/acme/tokens", [401, 404, 403, 200, 200, 200]),
            new("POST", "/api/v1/orgs/acme/tokens", [401, 404, 403, 201, 201, 201], """{"description":"matrix"}"""),
            new("POST", "/api/v1/orgs/acme/tokens", [401, 404, 403, 201, 201, 201], """{"description":"for mia","user":"mia"}"""),
            new("POST", "/api/v1/orgs/acme/tokens", [401, 404, 403, 400, 400, 400], """{"description":"for oscar","user":"oscar"}"""),
            new("POST", "/api/v1/orgs/acme/tokens", [401, 404, 403, 400, 400, 400], """{"models":["not a model"]}"""),
            new("DELETE", "/api/v1/orgs/acme/tokens/{token}", [401, 404, 403, 204, 204, 204]),
            new("DELETE", "/api/v1/orgs/acme/tokens/999999", [401, 404, 403, 404, 404, 404]),
            new("GET", "/api/v1/orgs/acme/models", [401, 404, 200, 200, 200, 200]),
            // Only owners and system admins delete an organisation, and not while it owns models (acme owns two).
            new("DELETE", "/api/v1/orgs/acme", [401, 404, 403, 403, 409, 409]),
            new("DELETE", "/api/v1/orgs/nosuch", [401, 404, 404, 404, 404, 404]),
        ];

        var clients = new Dictionary<string, HttpClient>();
        foreach (var caller in Callers)
        {
            clients[caller] = await server.SessionAsync(caller == "anonymous" ? null : caller);
        }

        var wrong = new List<string>();
        foreach (var cell in cells)
        {
            for (var i = 0; i < Callers.Length; i++)
            {
                var caller = Callers[i];
                var path = cell.Path.Replace("{caller}", caller, StringComparison.Ordinal).Replace("{token}", orgTokens[caller].ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
                using var request = new HttpRequestMessage(new HttpMethod(cell.Method), path);
                if (cell.Body is not null)
                {
                    request.Content = new StringContent(cell.Body.Replace("{caller}", caller, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");
                }

                using var response = await clients[caller].SendAsync(request);
                if ((int)response.StatusCode != cell.Expected[i])
                {
                    wrong.Add($"{cell.Method} {path} {cell.Body} as {caller}: {(int)response.StatusCode}, expected {cell.Expected[i]}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task TheLastOwner_CannotLeaveOrStepDown()
    {
        using var root = await server.SessionAsync("root");
        using var created = await root.PostAsJsonAsync("/api/v1/orgs", new { name = "solo", owner = "oscar" });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);

        using var demote = await root.PutAsJsonAsync("/api/v1/orgs/solo/members/oscar", new { role = "member" });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, demote.StatusCode);
        Assert.Contains("at least one owner", await demote.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var remove = await root.DeleteAsync("/api/v1/orgs/solo/members/oscar");
        Assert.Equal(System.Net.HttpStatusCode.Conflict, remove.StatusCode);

        using var oscar = await server.SessionAsync("oscar");
        var mine = await oscar.GetFromJsonAsync<List<OrgRow>>("/api/v1/orgs");
        Assert.Equal("owner", Assert.Single(mine!, o => o.Name == "solo").Role);
    }

    [Fact]
    public async Task AnOwnerDeletesAnOrganisation_ItsTokensStopAtOnce_ItsLimitsGo_AndItIsAudited()
    {
        using var root = await server.SessionAsync("root");
        using (var created = await root.PostAsJsonAsync("/api/v1/orgs", new { name = "doomed", owner = "olivia" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }

        var doomed = (await server.Services.GetRequiredService<IOrganizationService>().FindAsync("doomed"))!;
        await server.Services.GetRequiredService<IOrganizationService>().AddMemberAsync(doomed.Id, server.UserIds["adam"], "admin");
        await server.Services.GetRequiredService<IOrganizationService>().AddMemberAsync(doomed.Id, server.UserIds["mia"], "member");
        var limits = server.Services.GetRequiredService<IQuotaLimits>();
        await limits.SetAsync(new LimitScope(OrganizationId: doomed.Id), new LimitValues(Daily: 50));
        await limits.SetAsync(new LimitScope(UserId: server.UserIds["mia"], OrganizationId: doomed.Id), new LimitValues(Daily: 5));
        var orgToken = (await server.Services.GetRequiredService<ITokenService>().CreateAsync(server.UserIds["mia"], "doomed", null, TokenScope.Unrestricted, doomed.Id)).Text;
        using var miaOrg = server.CreateClient(orgToken);
        using var miaPersonal = server.CreateClient(server.Tokens["mia"]);
        using (var before = await miaOrg.GetAsync("/v1/models"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, before.StatusCode); // the token works (and is cached) before
        }

        using var adam = await server.SessionAsync("adam");
        using (var byAdmin = await adam.DeleteAsync("/api/v1/orgs/doomed"))
        {
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, byAdmin.StatusCode);
            Assert.Equal("application/problem+json", byAdmin.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Only owners of doomed may delete it.", await byAdmin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var olivia = await server.SessionAsync("olivia");
        using (var deleted = await olivia.DeleteAsync("/api/v1/orgs/doomed"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var gone = await olivia.GetAsync("/api/v1/orgs/doomed"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
        }

        using (var tokenGone = await miaOrg.GetAsync("/v1/models"))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, tokenGone.StatusCode); // no cache keeps it alive
        }

        using (var personal = await miaPersonal.GetAsync("/v1/models"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, personal.StatusCode); // a member's own tokens are not the organisation's
        }

        Assert.DoesNotContain(await limits.ListAsync(), l => l.OrganizationId == doomed.Id);
        var audit = (await server.Services.GetRequiredService<IAuditQueries>().ListAsync(new AuditFilter { Action = AuditActions.OrgDelete, PageSize = 100 })).Items;
        var row = Assert.Single(audit, r => r.TargetId == doomed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("\"name\":\"doomed\"", row.Before!, StringComparison.Ordinal);
        Assert.Contains("\"members\":3", row.Before!, StringComparison.Ordinal);
        Assert.Contains("\"tokens\":1", row.Before!, StringComparison.Ordinal);
        Assert.Equal("olivia", row.Actor);
    }

    private sealed record OrgRow(long Id, string Name, string? Role, int Members);
}
