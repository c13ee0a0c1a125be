using Microsoft.Playwright;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.WebConsole;

namespace OpenMaas.Tests.Sso;

/// <summary>OpenMaaS with one single sign-on provider, <c>test</c> (<see cref="TestOidcProvider"/> on loopback), and a
/// real Chromium. Subclasses choose whether accounts are created on first sign-in and whether passwords still work.</summary>
public abstract class SsoFixture : ServerFixture
{
    public const string Provider = "test";

    private IPlaywright? _playwright;

    public TestOidcProvider Oidc { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    protected virtual bool CreateAccounts => true;

    protected virtual bool LocalPasswords => true;

    protected override IEnumerable<string> Settings =>
    [
        $"Auth:Oidc:Providers:{Provider}:Authority={Oidc.Authority}",
        $"Auth:Oidc:Providers:{Provider}:ClientId={TestOidcProvider.ClientId}",
        $"Auth:Oidc:Providers:{Provider}:ClientSecret={TestOidcProvider.ClientSecret}",
        $"Auth:Oidc:Providers:{Provider}:DisplayName=Test IdP",
        $"Auth:Oidc:Providers:{Provider}:AdminClaim=roles",
        $"Auth:Oidc:Providers:{Provider}:AdminValue={TestOidcProvider.AdminRole}",
        $"Auth:Oidc:Providers:{Provider}:OrganizationClaim=orgs",
        $"Auth:Oidc:CreateAccounts={CreateAccounts}",
        $"Auth:LocalPasswords={LocalPasswords}",
    ];

    public override async Task InitializeAsync()
    {
        await Oidc.StartAsync();
        await base.InitializeAsync();
        await Oidc.RegisterClientAsync(new Uri(BaseAddress, $"/signin-oidc/{Provider}"));
        (_playwright, Browser) = await ConsoleFixture.LaunchChromiumAsync();
    }

    protected override bool RegisterStories => false;

    /// <summary>A fresh browser context (own cookies) on the console.</summary>
    public async Task<IPage> OpenAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString().TrimEnd('/'), Locale = "en-US" });
        context.SetDefaultTimeout(Environment.GetEnvironmentVariable("OPENMAAS_SSO_TIMEOUT") is { } t ? int.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : 120_000);
        context.SetDefaultNavigationTimeout(120_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the provider as <paramref name="user"/>: the console's button, the provider's login page,
    /// and back; returns once the browser is on a console page again.</summary>
    public async Task<IPage> SignInWithSsoAsync(string user, string returnUrl = "/account/tokens")
    {
        var page = await OpenAsync();
        await page.VisitAsync("/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await page.Locator($"button[data-provider={Provider}]").EvaluateAsync("b => b.click()"); // navigates away: no wait on the click itself
        try
        {
            await page.WaitForSelectorAsync("#test_user"); // the provider's own page
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException($"The provider's login page did not come: {page.Url}: {await page.ContentAsync()}", e);
        }

        Assert.StartsWith(Oidc.Authority.ToString(), page.Url, StringComparison.Ordinal);
        await page.FillAsync("#test_user", user);
        await page.Locator("#login").EvaluateAsync("b => b.click()");
        await page.WaitForPageAsync(url => url.StartsWith(BaseAddress.ToString(), StringComparison.Ordinal) && !url.Contains("/signin-oidc/", StringComparison.Ordinal));
        return page;
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
        await Oidc.DisposeAsync();
    }
}
