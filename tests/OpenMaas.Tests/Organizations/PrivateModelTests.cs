using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Tokens;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Organizations;

/// <summary>A model private to acme, on every surface that names models: an outsider (oscar) and an anonymous caller
/// get exactly what a model that does not exist gets; a member (mia) and a system admin (root) see and call it.
/// Org tokens carry the organisation's claim.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class PrivateModelTests(OrganizationFixture server) : IClassFixture<OrganizationFixture>
{
    private const string Missing = "acme/no-such-model";

    /// <summary>One request per surface for a model ID: (name, method, path, body).</summary>
    private static IEnumerable<(string Surface, HttpMethod Method, string Path, string? Body)> Surfaces(string model) =>
    [
        ("GET /v1/models/{id}", HttpMethod.Get, "/v1/models/" + model, null),
        ("chat completions", HttpMethod.Post, "/v1/chat/completions", $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":1}"""),
        ("completions", HttpMethod.Post, "/v1/completions", $$"""{"model":"{{model}}","prompt":"Once upon a time","max_tokens":1}"""),
        ("embeddings", HttpMethod.Post, "/v1/embeddings", $$"""{"model":"{{model}}","input":"Once upon a time"}"""),
        ("messages", HttpMethod.Post, "/v1/messages", $$"""{"model":"{{model}}","max_tokens":1,"messages":[{"role":"user","content":"Once upon a time"}]}"""),
        ("responses", HttpMethod.Post, "/v1/responses", $$"""{"model":"{{model}}","input":"Once upon a time","max_output_tokens":1,"store":false}"""),
        ("task API", HttpMethod.Post, "/api-inference/v1/models/" + model, """{"input":"Once upon a time","parameters":{"max_new_tokens":1}}"""),
        ("library card", HttpMethod.Get, "/api/v1/models/" + model, null),
        ("hub files", HttpMethod.Get, $"/api/v1/models/{model}/repo/files?Revision=master&Recursive=true", null),
        ("hub revisions", HttpMethod.Get, $"/api/v1/models/{model}/revisions", null),
        ("like", HttpMethod.Post, $"/api/v1/models/{model}/like", null),
    ];

    [Fact]
    public async Task AnOutsider_GetsWhatAMissingModelGets_OnEverySurface_WhileAMemberAndAnAdminUseIt()
    {
        using var oscar = server.CreateClient(server.Tokens["oscar"]);
        using var mia = server.CreateClient(server.Tokens["mia"]);
        using var root = server.CreateClient(server.Tokens["root"]);
        var privateSurfaces = Surfaces(OrganizationFixture.PrivateModel).ToList();
        var missingSurfaces = Surfaces(Missing).ToList();
        var wrong = new List<string>();
        for (var i = 0; i < privateSurfaces.Count; i++)
        {
            var (surface, method, path, body) = privateSurfaces[i];
            var (hiddenStatus, hiddenBody) = await SendAsync(oscar, method, path, body);
            var (missingStatus, missingBody) = await SendAsync(oscar, missingSurfaces[i].Method, missingSurfaces[i].Path, missingSurfaces[i].Body);
            if (hiddenStatus != HttpStatusCode.NotFound || missingStatus != HttpStatusCode.NotFound)
            {
                wrong.Add($"{surface}: outsider {(int)hiddenStatus}, missing model {(int)missingStatus}; both should be 404");
            }

            // Same words, apart from the ID itself (and the request id of an envelope).
            if (Normalise(hiddenBody, OrganizationFixture.PrivateModel) != Normalise(missingBody, Missing))
            {
                wrong.Add($"{surface}: the outsider's answer differs from a missing model's:\n  {hiddenBody}\n  {missingBody}");
            }

            foreach (var (who, http) in new[] { ("mia", mia), ("root", root) })
            {
                var (status, answer) = await SendAsync(http, method, path, body);
                if (status == HttpStatusCode.NotFound || (int)status >= 500)
                {
                    wrong.Add($"{surface} as {who}: {(int)status} {answer}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        // The real call a member makes works end to end.
        using var chat = await mia.PostAsync("/v1/chat/completions", Json($$"""{"model":"{{OrganizationFixture.PrivateModel}}","messages":[{"role":"user","content":"Once"}],"max_tokens":2}"""));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(OrganizationFixture.PrivateModel, (await chat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model").GetString());
    }

    [Fact]
    public async Task ModelLists_ShowThePrivateModel_OnlyToMembersAndAdmins()
    {
        foreach (var (who, sees) in new[] { ("oscar", false), ("mia", true), ("olivia", true), ("root", true) })
        {
            using var http = server.CreateClient(server.Tokens[who]);
            var served = await http.GetFromJsonAsync<JsonElement>("/v1/models");
            var ids = served.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
            Assert.Contains(OrganizationFixture.PublicModel, ids);
            Assert.Equal(sees, ids.Contains(OrganizationFixture.PrivateModel));

            var library = await http.GetFromJsonAsync<JsonElement>("/api/v1/models?search=stories&page_size=100");
            var listed = library.GetRawText();
            Assert.Contains(OrganizationFixture.PublicModel, listed, StringComparison.Ordinal);
            Assert.Equal(sees, listed.Contains(OrganizationFixture.PrivateModel, StringComparison.Ordinal));
        }

        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        var anonymousList = await anonymous.GetStringAsync("/api/v1/models?search=stories&page_size=100");
        Assert.DoesNotContain(OrganizationFixture.PrivateModel, anonymousList, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/v1/models/" + OrganizationFixture.PrivateModel)).StatusCode);

        // The console: the library page and the model's page.
        using var oscarSession = await server.SessionAsync("oscar");
        using var miaSession = await server.SessionAsync("mia");
        Assert.DoesNotContain(OrganizationFixture.PrivateModel, await oscarSession.GetStringAsync("/models?search=stories"), StringComparison.Ordinal);
        Assert.Contains(OrganizationFixture.PrivateModel, await miaSession.GetStringAsync("/models?search=stories"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await oscarSession.GetAsync("/models/" + OrganizationFixture.PrivateModel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await miaSession.GetAsync("/models/" + OrganizationFixture.PrivateModel)).StatusCode);
    }

    [Fact]
    public async Task MakingAModelPublic_OrJoiningTheOrganisation_ShowsIt_AtOnce()
    {
        const string Model = "acme/later-stories";
        await server.RegisterModelAsync(TestAssets.StoriesGguf, Model, link: true, card: new ModelCardChange { Private = true, ApiInferenceMode = ApiInferenceMode.On });
        var (user, token) = await server.CreateUserAsync("newcomer");
        using var http = server.CreateClient(token);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/models/" + Model)).StatusCode);

        var organizations = server.Services.GetRequiredService<OpenMaas.Core.Organizations.IOrganizationService>();
        await organizations.AddMemberAsync(server.OrgId, user.Id, "member");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/models/" + Model)).StatusCode);

        await organizations.RemoveMemberAsync(server.OrgId, user.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/models/" + Model)).StatusCode);

        await server.Services.GetRequiredService<IModelCatalog>().UpdateAsync(Model, m => m.Private = false);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/models/" + Model)).StatusCode);
    }

    [Fact]
    public async Task AnAdmin_MakesAnOrganisationsModelPrivate_ThroughTheLibraryApi_ButNoOtherModel()
    {
        const string Model = "acme/patched-stories";
        await server.RegisterModelAsync(TestAssets.StoriesGguf, Model, link: true);
        using var root = await server.SessionAsync("root");
        using var outsider = server.CreateClient(server.Tokens["oscar"]);

        using (var refused = await root.PatchAsJsonAsync("/api/v1/models/" + TestAssets.StoriesId, new { @private = true }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("Only a model of an organisation can be private", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var patched = await root.PatchAsJsonAsync("/api/v1/models/" + Model, new { @private = true }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            Assert.Contains("\"Private\":true", await patched.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync("/api/v1/models/" + Model)).StatusCode);
        using (var unpatched = await root.PatchAsJsonAsync("/api/v1/models/" + Model, new { @private = false }))
        {
            Assert.Equal(HttpStatusCode.OK, unpatched.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await outsider.GetAsync("/api/v1/models/" + Model)).StatusCode);
    }

    [Fact]
    public async Task AnOrganisationToken_CarriesTheOrganisationClaim_AndItsMembersIdentity()
    {
        using var olivia = await server.SessionAsync("olivia");
        using var created = await olivia.PostAsJsonAsync("/api/v1/orgs/acme/tokens", new { description = "ci", user = "mia" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = answer.GetProperty("token").GetString()!;
        var id = answer.GetProperty("info").GetProperty("id").GetInt64();
        Assert.Equal(server.UserIds["mia"], answer.GetProperty("info").GetProperty("userId").GetInt64());
        Assert.Equal(server.OrgId, answer.GetProperty("info").GetProperty("organizationId").GetInt64());

        // A call with it: the pipeline's steps see the organisation; with a personal token they see none.
        using var orgClient = server.CreateClient(secret);
        using (var call = await orgClient.PostAsync("/v1/chat/completions", Json($$"""{"model":"{{OrganizationFixture.PrivateModel}}","messages":[{"role":"user","content":"Once"}],"max_tokens":1}""")))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        Assert.Equal(server.OrgId, server.SeenOrganizations[id]);
        var personal = (await server.Services.GetRequiredService<ITokenService>().FindAsync(server.Tokens["mia"][..11]))[0];
        using var miaClient = server.CreateClient(server.Tokens["mia"]);
        using (var call = await miaClient.ChatAsync(OrganizationFixture.PublicModel))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        Assert.Null(server.SeenOrganizations[personal.Id]);

        // The token is listed as the organisation's, never with its text.
        var listed = await olivia.GetStringAsync("/api/v1/orgs/acme/tokens");
        Assert.Contains("\"description\":\"ci\"", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);

        // On the member's own tokens page it is marked as the organisation's, without the scope form (its admins set that).
        using (var miaSession = await server.SessionAsync("mia"))
        {
            var page = await miaSession.GetStringAsync("/account/tokens");
            var row = page[page.IndexOf($"data-token=\"{answer.GetProperty("info").GetProperty("prefix").GetString()}\"", StringComparison.Ordinal)..];
            row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
            Assert.Contains("data-testid=\"org-token\"", row, StringComparison.Ordinal);
            Assert.DoesNotContain("scope-edit", row, StringComparison.Ordinal);
            using var widen = await miaSession.PutAsJsonAsync($"/api/v1/tokens/{id}/scope", new { models = Array.Empty<string>() });
            Assert.Equal(HttpStatusCode.Forbidden, widen.StatusCode);
        }

        // Revoked by an org admin: refused at once.
        using var adam = await server.SessionAsync("adam");
        Assert.Equal(HttpStatusCode.NoContent, (await adam.DeleteAsync($"/api/v1/orgs/acme/tokens/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await orgClient.GetAsync("/v1/models")).StatusCode);
    }

    [Fact]
    public async Task RemovingAMember_RevokesTheOrganisationsTokensMadeForThem()
    {
        var (user, personalToken) = await server.CreateUserAsync("leaver");
        using var root = await server.SessionAsync("root");
        Assert.Equal(HttpStatusCode.Created, (await root.PostAsJsonAsync("/api/v1/orgs/acme/members", new { user = "leaver", role = "member" })).StatusCode);
        using var created = await root.PostAsJsonAsync("/api/v1/orgs/acme/tokens", new { user = "leaver" });
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var orgClient = server.CreateClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await orgClient.GetAsync("/v1/models/" + OrganizationFixture.PrivateModel)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await root.DeleteAsync("/api/v1/orgs/acme/members/leaver")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await orgClient.GetAsync("/v1/models")).StatusCode);
        // The personal token still works; it just no longer sees the private model.
        using var personal = server.CreateClient(personalToken);
        Assert.Equal(HttpStatusCode.NotFound, (await personal.GetAsync("/v1/models/" + OrganizationFixture.PrivateModel)).StatusCode);
        _ = user;
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = Json(body);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The answer with the model's ID and every request id / trace id taken out.</summary>
    private static string Normalise(string body, string model) =>
        System.Text.RegularExpressions.Regex.Replace(body.Replace(model, "MODEL", StringComparison.Ordinal),
            "\"(RequestId|request_id|requestId|traceId|id)\":\"[^\"]*\"", "\"$1\":\"-\"");
}
