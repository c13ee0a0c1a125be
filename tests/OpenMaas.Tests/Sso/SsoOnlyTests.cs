using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.WebConsole;

namespace OpenMaas.Tests.Sso;

/// <summary>Single sign-on only: local passwords off (no form, the password post and /api/v1/auth/login refused with a
/// clear message) and only accounts linked beforehand may sign in (matched by issuer + subject, not by name).</summary>
[Trait("Category", "Slow")]
public sealed class SsoOnlyTests(SsoOnlyTests.Fixture server) : IClassFixture<SsoOnlyTests.Fixture>
{
    public sealed class Fixture : SsoFixture
    {
        protected override bool CreateAccounts => false;

        protected override bool LocalPasswords => false;
    }

    [Fact]
    public async Task LocalPasswordsOff_HidesTheForm_AndRefusesPasswords()
    {
        var page = await server.OpenAsync();
        await page.VisitAsync("/signin");
        Assert.Null(await page.QuerySelectorAsync("#password-form"));
        Assert.NotNull(await page.QuerySelectorAsync("button[data-provider=test]"));

        // A password posted anyway (the form's fields by hand) is refused with the reason.
        var token = await page.Locator("input[name=__csrf]").First.GetAttributeAsync("value");
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("name", "tester").Set("password", "tester-password").Set("__csrf", token!);
        var posted = await page.Context.APIRequest.PostAsync("/signin", new() { Form = form });
        Assert.Equal(403, posted.Status);
        Assert.Contains("Sign-in with a password is switched off", await posted.TextAsync(), StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var login = await http.PostAsync("/api/v1/auth/login", SsoSignInTests.JsonContent("""{"name":"tester","password":"tester-password"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.Contains("LocalPasswords", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyLinkedAccounts_SignIn()
    {
        // Same name as an existing account, but no link: refused (accounts are never matched by name or e-mail).
        await server.CreateUserAsync("frank");
        server.Oidc.People["frank"] = ("sub-frank-1", [], []);
        var refused = await server.SignInWithSsoAsync("frank");
        Assert.Contains("/signin?error=sso-not-linked", refused.Url, StringComparison.Ordinal);
        Assert.Contains("No account here is linked", await refused.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        Assert.DoesNotContain(await refused.Context.CookiesAsync(), c => c.Name == "openmaas_session");

        var (code, _, stderr) = await Cli.RunAsync(server.DataPath, null, "user", "link-sso", "frank", "--provider", SsoFixture.Provider,
            "--subject", "sub-frank-1", "--issuer", server.Oidc.Authority.ToString());
        Assert.True(code == 0, stderr);
        var page = await server.SignInWithSsoAsync("frank");
        Assert.EndsWith("/account/tokens", page.Url, StringComparison.Ordinal);
        Assert.Equal("frank", (await page.InnerTextAsync(".user-name")).Trim());
        Assert.Null(await server.Services.GetRequiredService<IAccountService>().FindAsync("frank-2"));
    }
}
