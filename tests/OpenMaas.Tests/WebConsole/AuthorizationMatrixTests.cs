using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Tokens;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.WebConsole;

/// <summary>Every console page and every /api/v1 endpoint, as anonymous, a user (alice), another user (bob, asking for
/// alice's data) and an admin (root): each cell's status is asserted. Sessions come from the sign-in API.</summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Slow")]
public sealed class AuthorizationMatrixTests(ConsoleFixture server)
{
    private const int Login = 302; // console pages send anonymous callers to /signin

    private sealed record Cell(string Method, string Path, int Anonymous, int User, int OtherUser, int Admin, object? Body = null);

    [Fact]
    public async Task EveryPageAndEndpoint_AnswersEachCallerAsDesigned()
    {
        var stories = await server.Services.GetRequiredService<IModelCatalog>().FindAsync(TestAssets.StoriesId);
        var file = Uri.EscapeDataString(stories!.Files[0].Path);
        var alice = (await server.Services.GetRequiredService<OpenMaas.Core.Accounts.IAccountService>().FindAsync("alice"))!;
        var aliceToken = await server.Services.GetRequiredService<ITokenService>().CreateAsync(alice.Id, "matrix", null);
        const string Model = "/models/" + TestAssets.StoriesId;
        const string Api = "/api/v1/models/" + TestAssets.StoriesId;

        Cell[] cells =
        [
            new("GET", "/", 200, 200, 200, 200),
            new("GET", "/models", 200, 200, 200, 200),
            new("GET", "/models?api_inference=true&sort=likes", 200, 200, 200, 200),
            new("GET", Model, 200, 200, 200, 200),
            new("GET", "/models/nobody/nothing", 404, 404, 404, 404),
            new("GET", "/signin", 200, 200, 200, 200),
            new("GET", "/signup", 404, 404, 404, 404),
            new("GET", "/account/tokens", Login, 200, 200, 200),
            new("GET", "/account/tokens?user=alice", Login, 200, 403, 200),
            new("GET", "/account/tokens/new/0123456789abcdef", Login, 200, 200, 200),
            new("GET", "/account/usage", Login, 200, 200, 200),
            new("GET", "/account/usage?user=alice", Login, 200, 403, 200),
            new("GET", "/account/usage?handler=csv&user=alice", Login, 200, 403, 200),
            new("GET", "/account/password", Login, 200, 200, 200),
            new("GET", "/orgs", Login, 200, 200, 200),
            new("GET", "/orgs/no-such-org", Login, 404, 404, 404),
            new("GET", "/admin/users", Login, 403, 403, 200),
            new("GET", "/admin/models", Login, 403, 403, 200),
            new("GET", "/admin/settings", Login, 403, 403, 200),
            new("GET", "/admin/model?id=" + TestAssets.StoriesId, Login, 403, 403, 200),
            new("GET", "/api/v1/models", 200, 200, 200, 200),
            new("GET", Api, 200, 200, 200, 200),
            new("GET", Api + "/repo/files?Revision=master&Recursive=true", 200, 200, 200, 200),
            new("GET", Api + "/revisions", 200, 200, 200, 200),
            new("GET", Api + "/repo?Revision=master&FilePath=" + file, 200, 200, 200, 200),
            new("POST", Api + "/like", 401, 200, 200, 200),
            new("DELETE", Api + "/like", 401, 200, 200, 200),
            new("PATCH", Api, 401, 403, 403, 200, new { License = "mit" }),
            new("GET", "/api/v1/tokens", 401, 200, 200, 200),
            new("GET", "/api/v1/tokens?user=alice", 401, 200, 403, 200),
            new("POST", "/api/v1/tokens", 401, 201, 201, 201, new { description = "matrix" }),
            new("GET", "/api/v1/usage", 401, 200, 200, 200),
            new("GET", "/api/v1/usage?user=alice", 401, 200, 403, 200),
            new("GET", "/api/v1/balance", 401, 200, 200, 200),
            new("GET", "/api/v1/inference/credits", 401, 200, 200, 200),
            new("GET", "/api/v1/limits", 401, 403, 403, 200),
            new("PUT", "/api/v1/limits", 401, 403, 403, 200, new { user = "alice", rpm = 1000 }),
            // Run as anonymous, other user, admin, user (in that order): bob cannot see it, root revokes it.
            new("DELETE", $"/api/v1/tokens/{aliceToken.Info.Id}", 401, 204, 404, 204),
        ];

        var callers = new (string Name, HttpClient Http)[]
        {
            ("anonymous", Client()),
            ("bob", await SignedInAsync("bob")),
            ("root", await SignedInAsync("root")),
            ("alice", await SignedInAsync("alice")),
        };
        var wrong = new List<string>();
        foreach (var cell in cells)
        {
            foreach (var (name, http) in callers)
            {
                var expected = name switch { "anonymous" => cell.Anonymous, "alice" => cell.User, "bob" => cell.OtherUser, _ => cell.Admin };
                using var request = new HttpRequestMessage(new HttpMethod(cell.Method), cell.Path);
                if (cell.Body is not null)
                {
                    request.Content = JsonContent.Create(cell.Body);
                }

                using var response = await http.SendAsync(request);
                if ((int)response.StatusCode != expected)
                {
                    wrong.Add($"{cell.Method} {cell.Path} as {name}: {(int)response.StatusCode}, expected {expected}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        foreach (var (_, http) in callers)
        {
            http.Dispose();
        }
    }

    [Fact]
    public async Task AnotherUsersTokens_NeverAppearOnTheTokensPage()
    {
        var alice = (await server.Services.GetRequiredService<OpenMaas.Core.Accounts.IAccountService>().FindAsync("alice"))!;
        var secret = await server.Services.GetRequiredService<ITokenService>().CreateAsync(alice.Id, "alice-only", null);
        using var bob = await SignedInAsync("bob");
        var page = await bob.GetStringAsync("/account/tokens");
        Assert.DoesNotContain(secret.Info.Prefix, page, StringComparison.Ordinal);
        Assert.DoesNotContain("alice-only", page, StringComparison.Ordinal);
    }

    private HttpClient Client() => ConsoleSessions.Anonymous(server);

    private Task<HttpClient> SignedInAsync(string user) => ConsoleSessions.SignedInAsync(server, user);
}
