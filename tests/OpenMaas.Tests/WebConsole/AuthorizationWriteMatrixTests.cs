using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tokens;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.WebConsole;

/// <summary>
/// The writes of the authorisation matrix: every admin form post, the token forms (scope, rotate, revoke) on another
/// user's token with <c>?user=</c>, the password form, <c>PUT /api/v1/tokens/{id}/scope</c> across users, and
/// <c>/metrics</c> — each as anonymous, another user (bob), the owner (alice) and an admin (root), with a valid
/// anti-forgery token so a refusal is the authorisation's, not the form's. Whatever a refused caller posted, the state it
/// aimed at is unchanged.
/// </summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class AuthorizationWriteMatrixTests(ConsoleFixture server)
{
    /// <summary>302 to the sign-in page (an anonymous form post).</summary>
    private const int SignIn = -302;

    private sealed record Write(string Method, string Path, object Body, int Anonymous, int OtherUser, int User, int Admin, Func<Task<string>> State);

    [Fact]
    public async Task EveryWrite_AnswersEachCallerAsDesigned_AndARefusedWriteChangesNothing()
    {
        var accounts = server.Services.GetRequiredService<IAccountService>();
        var tokens = server.Services.GetRequiredService<ITokenService>();
        var limits = server.Services.GetRequiredService<IQuotaLimits>();
        var alice = (await accounts.FindAsync("alice"))!;
        var target = (await server.CreateUserAsync("matrix-target")).User;
        async Task<long> AliceTokenAsync(string name) => (await tokens.CreateAsync(alice.Id, name, null)).Info.Id;
        var scoped = await AliceTokenAsync("matrix-scope");
        var apiScoped = await AliceTokenAsync("matrix-api-scope");
        var rotated = await AliceTokenAsync("matrix-rotate");
        var revoked = await AliceTokenAsync("matrix-revoke");
        Func<Task<string>> Token(long id) => async () => JsonSerializer.Serialize(await tokens.FindAsync(id));
        async Task<string> TargetAsync()
        {
            var user = (await accounts.FindAsync("matrix-target"))!;
            var limit = (await limits.ListAsync()).FirstOrDefault(l => l.UserId == user.Id && l.Scope.Kind == LimitScopeKind.User);
            var password = await accounts.VerifyPasswordAsync("matrix-target", "matrix-target-password") is not null;
            return $"enabled={user.Enabled} admin={user.IsAdmin} password={password} limit={limit?.DailyCalls}";
        }

        async Task<string> PasswordsAsync() =>
            $"{await accounts.VerifyPasswordAsync("alice", "alice-password") is not null} {await accounts.VerifyPasswordAsync("bob", "bob-password") is not null}";

        static Task<string> Nothing() => Task.FromResult(string.Empty);
        var stories = TestAssets.StoriesId;
        Write[] writes =
        [
            // Admin forms: an admin's post succeeds (302 back to the page) or, where success would disturb the shared
            // server, is refused for its input (400/404) — after the authorisation passed.
            new("FORM", "/admin/users?handler=Create", new { name = "matrix-created", password = "matrix-created-password" }, SignIn, 403, 403, 302,
                async () => (await accounts.FindAsync("matrix-created") is null).ToString()),
            new("FORM", "/admin/users?handler=Limit", new { name = "matrix-target", dailyCalls = "7" }, SignIn, 403, 403, 302, TargetAsync),
            new("FORM", "/admin/users?handler=Password", new { name = "matrix-target", password = "matrix-new-password" }, SignIn, 403, 403, 302, TargetAsync),
            new("FORM", "/admin/users?handler=Enable", new { name = "matrix-target", enabled = "false" }, SignIn, 403, 403, 302, TargetAsync),
            new("FORM", "/admin/users?handler=Admin", new { name = "matrix-target", admin = "true" }, SignIn, 403, 403, 302, TargetAsync),
            new("FORM", "/admin/settings", new { dailyCalls = "-1", signUpOpen = "true" }, SignIn, 403, 403, 400, Nothing),
            new("FORM", "/admin/models?handler=Mode", new { id = stories, mode = "bogus" }, SignIn, 403, 403, 400, Nothing),
            new("FORM", "/admin/models?handler=Cap", new { id = stories, cap = "-1" }, SignIn, 403, 403, 400, Nothing),
            new("FORM", "/admin/models?handler=Remove", new { id = "nobody/nothing" }, SignIn, 403, 403, 404, Nothing),
            new("FORM", "/admin/model", new { id = "nobody/nothing", displayName = "x" }, SignIn, 403, 403, 404, Nothing),

            // Alice's tokens through the console's forms, another user naming her with ?user=: not found for bob.
            new("FORM", "/account/tokens?handler=Scope&user=alice", new { id = scoped.ToString(), models = ConsoleFixture.Copy, user = "alice" }, SignIn, 404, 302, 302, Token(scoped)),
            new("FORM", "/account/tokens?handler=Rotate&user=alice", new { id = rotated.ToString(), graceMinutes = "0", user = "alice" }, SignIn, 404, 302, 302, Token(rotated)),
            new("FORM", "/account/tokens?handler=Revoke&user=alice", new { id = revoked.ToString(), user = "alice" }, SignIn, 404, 302, 302, Token(revoked)),

            // The API's scope across users: alice's token is not found for bob.
            new("PUT", $"/api/v1/tokens/{apiScoped}/scope", new { models = new[] { ConsoleFixture.Copy }, dailyCalls = 5 }, 401, 404, 200, 200, Token(apiScoped)),

            // The password form (last: it may end sessions) sets only the caller's own password: each caller re-sets
            // theirs to what it was, bob naming alice as well; alice's password is untouched by bob's post.
            new("FORM", "/account/password", (string caller) => new { current = caller + "-password", password = caller + "-password", name = "alice", user = "alice" },
                SignIn, 302, 302, 302, PasswordsAsync),
        ];

        var callers = new (string Name, HttpClient Http)[]
        {
            ("anonymous", Client()),
            ("bob", await SignedInAsync("bob")),
            ("alice", await SignedInAsync("alice")),
            ("root", await SignedInAsync("root")),
        };
        var csrf = new Dictionary<string, string>();
        foreach (var (name, http) in callers)
        {
            csrf[name] = await CsrfAsync(http, name == "anonymous" ? "/signin" : "/account/password");
        }

        var wrong = new List<string>();
        foreach (var write in writes)
        {
            foreach (var (name, http) in callers)
            {
                var expected = name switch { "anonymous" => write.Anonymous, "bob" => write.OtherUser, "alice" => write.User, _ => write.Admin };
                var before = await write.State();
                using var response = await http.SendAsync(Request(write, name, csrf[name]));
                var status = (int)response.StatusCode;
                var location = response.Headers.Location?.ToString() ?? string.Empty;
                var matches = expected == SignIn ? status == 302 && location.Contains("/signin", StringComparison.Ordinal) : status == expected;
                if (!matches)
                {
                    wrong.Add($"{write.Method} {write.Path} as {name}: {status} {location}, expected {(expected == SignIn ? "302 to /signin" : expected)}");
                }

                // A refusal, or anything bob does to alice's things, leaves the target as it was.
                var refused = expected is SignIn or 401 or 403 or 404 || name == "bob";
                if (refused && await write.State() != before)
                {
                    wrong.Add($"{write.Method} {write.Path} as {name} changed what it aimed at: {before} -> {await write.State()}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.NotNull(await accounts.FindAsync("matrix-created")); // the admin's writes did take effect
        Assert.Equal("enabled=False admin=True password=False limit=7", await TargetAsync());
        Assert.NotNull((await tokens.FindAsync(revoked))!.RevokedAt);
        foreach (var (_, http) in callers)
        {
            http.Dispose();
        }
    }

    [Fact]
    public async Task Metrics_AreOpenAsDocumented_AndNameNoUserOrToken()
    {
        var (_, token) = await server.CreateUserAsync("metrics-user");
        using var user = server.CreateClient(token);
        using var call = await user.GetAsync("/api/v1/usage");
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);

        foreach (var http in new[] { Client(), await SignedInAsync("bob"), await SignedInAsync("root") })
        {
            using (http)
            {
                using var response = await http.GetAsync("/metrics");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var text = await response.Content.ReadAsStringAsync();
                Assert.Contains("# TYPE", text, StringComparison.Ordinal);
                Assert.DoesNotContain("metrics-user", text, StringComparison.Ordinal);
                Assert.DoesNotContain(token, text, StringComparison.Ordinal);
                Assert.DoesNotContain(token[..12], text, StringComparison.Ordinal);
            }
        }
    }

    private static HttpRequestMessage Request(Write write, string caller, string csrf)
    {
        if (write.Method != "FORM")
        {
            return new HttpRequestMessage(new HttpMethod(write.Method), write.Path) { Content = JsonContent.Create(write.Body) };
        }

        var body = write.Body is Func<string, object> perCaller ? perCaller(caller) : write.Body;
        var fields = JsonSerializer.SerializeToElement(body).EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.ToString())).ToList();
        fields.Add(KeyValuePair.Create("__csrf", csrf));
        return new HttpRequestMessage(HttpMethod.Post, write.Path) { Content = new FormUrlEncodedContent(fields) };
    }

    /// <summary>The anti-forgery token of a form on <paramref name="page"/>, for this caller's cookies.</summary>
    private static async Task<string> CsrfAsync(HttpClient http, string page)
    {
        var html = await http.GetStringAsync(page);
        var match = CsrfField().Match(html);
        Assert.True(match.Success, $"no __csrf field on {page}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__csrf\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    private HttpClient Client() => ConsoleSessions.Anonymous(server);

    private Task<HttpClient> SignedInAsync(string user) => ConsoleSessions.SignedInAsync(server, user);
}
