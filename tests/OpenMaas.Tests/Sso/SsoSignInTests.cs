using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Audit;
using OpenMaas.Tests.WebConsole;

namespace OpenMaas.Tests.Sso;

/// <summary>Single sign-on in Chromium against a real OpenID Connect provider on loopback: the first sign-in creates
/// the account, the admin claim makes an admin, the session is the console's own; an altered or an expired ID token
/// is refused with a message and no session; every outcome is in the audit log.</summary>
[Trait("Category", "Slow")]
public sealed class SsoSignInTests(SsoSignInTests.Fixture server) : IClassFixture<SsoSignInTests.Fixture>
{
    public sealed class Fixture : SsoFixture;

    [Fact]
    public async Task FirstSignIn_CreatesTheAccount_AndTheSessionIsTheConsoles()
    {
        server.Oidc.People["dana"] = ("sub-dana-1", [], ["research"]);
        var page = await server.SignInWithSsoAsync("dana");
        Assert.EndsWith("/account/tokens", page.Url, StringComparison.Ordinal);
        Assert.Equal("dana", (await page.InnerTextAsync(".user-name")).Trim());
        Assert.Null(await page.QuerySelectorAsync("nav a[href='/admin/users']"));

        var account = await server.Services.GetRequiredService<IAccountService>().FindAsync("dana");
        Assert.NotNull(account);
        Assert.Equal((UserRoles.User, null, true), (account!.Role, account.PasswordHash, account.Enabled));

        // The console session works for the account API too (the same cookie as a password sign-in).
        var cookies = await page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "openmaas_session");
        Assert.Equal(200, (await page.Context.APIRequest.GetAsync("/api/v1/usage")).Status);

        // A second sign-in finds the same account by issuer + subject (no second account).
        var again = await server.SignInWithSsoAsync("dana");
        Assert.Equal("dana", (await again.InnerTextAsync(".user-name")).Trim());
        Assert.Single(await server.Services.GetRequiredService<IAccountService>().ListAsync(), u => u.Name.StartsWith("dana", StringComparison.Ordinal));

        var created = await server.Services.GetRequiredService<IAuditQueries>().ListAsync(new AuditFilter { Action = AuditActions.UserCreateSso, Actor = "dana" });
        Assert.Single(created.Items);
        Assert.Contains("sub-dana-1", created.Items[0].After, StringComparison.Ordinal);
        var signIns = await server.Services.GetRequiredService<IAuditQueries>().ListAsync(new AuditFilter { Action = AuditActions.SignIn, Actor = "dana" });
        Assert.Equal(2, signIns.Total);
        Assert.All(signIns.Items, r => Assert.Equal("127.0.0.1", r.Address));
    }

    [Fact]
    public async Task AdminClaim_MakesAnAdmin()
    {
        server.Oidc.People["erin"] = ("sub-erin-1", [TestOidcProvider.AdminRole], []);
        var page = await server.SignInWithSsoAsync("erin", "/admin/users");
        Assert.EndsWith("/admin/users", page.Url, StringComparison.Ordinal);
        Assert.Equal(UserRoles.Admin, (await server.Services.GetRequiredService<IAccountService>().FindAsync("erin"))!.Role);
        await page.WaitForSelectorAsync("text=New user");

        // The audit page shows the sign-in, and the CSV carries it too.
        await page.VisitAsync("/admin/audit?action=user.create.sso&actor=erin");
        Assert.Equal(1, await page.Locator("#audit tbody tr").CountAsync());
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#audit-csv"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("time_utc,actor_id,actor", csv, StringComparison.Ordinal);
        Assert.Contains(",erin,127.0.0.1,user.create.sso,user,erin,", csv, StringComparison.Ordinal);

        // The provider decides the role: without the claim the next sign-in is a plain user again.
        server.Oidc.People["erin"] = ("sub-erin-1", [], []);
        await server.SignInWithSsoAsync("erin");
        Assert.Equal(UserRoles.User, (await server.Services.GetRequiredService<IAccountService>().FindAsync("erin"))!.Role);
    }

    [Theory]
    [InlineData(TestOidcProvider.Behaviour.TamperIdToken, "mallory", "SecurityTokenInvalidSignatureException")]
    [InlineData(TestOidcProvider.Behaviour.Expired, "oscar", "SecurityTokenExpiredException")]
    public async Task AnAlteredOrExpiredIdToken_IsRefused_WithNoSession(TestOidcProvider.Behaviour mode, string user, string reason)
    {
        server.Oidc.Mode = mode;
        try
        {
            var page = await server.SignInWithSsoAsync(user);
            Assert.Contains("/signin?error=sso", page.Url, StringComparison.Ordinal);
            Assert.Contains("Single sign-on failed", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
            Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "openmaas_session");
            Assert.Equal(401, (await page.Context.APIRequest.GetAsync("/api/v1/usage")).Status);
        }
        finally
        {
            server.Oidc.Mode = TestOidcProvider.Behaviour.Normal;
        }

        var accounts = server.Services.GetRequiredService<IAccountService>();
        Assert.Null(await accounts.FindAsync(user));
        Assert.Null(await accounts.FindAsync("someone-else"));
        var failures = await server.Services.GetRequiredService<IAuditQueries>().ListAsync(new AuditFilter { Action = AuditActions.SignInFailed });
        Assert.Contains(failures.Items, r => r.After!.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PasswordSignIn_StillWorks_BesideSso()
    {
        var page = await server.OpenAsync();
        await page.VisitAsync("/signin");
        Assert.NotNull(await page.QuerySelectorAsync("#password-form"));
        Assert.Equal("Sign in with Test IdP", (await page.InnerTextAsync("button[data-provider=test]")).Trim());
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var login = await http.PostAsync("/api/v1/auth/login", JsonContent("""{"name":"tester","password":"tester-password"}"""));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    internal static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
