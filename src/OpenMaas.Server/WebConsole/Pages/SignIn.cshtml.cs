using OpenMaas.Server.Pipeline;
using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Settings;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.WebConsole.Pages;

internal sealed class SignInModel(
    IStringLocalizer<ConsoleText> text, IAccountService accounts, ISiteSettings settings, LoginThrottle throttle, IOptions<AuthOptions> auth, IOptions<OidcOptions> oidc)
    : ConsolePageModel(text)
{
    /// <summary>A button per single sign-on provider: its name and its text.</summary>
    public IReadOnlyList<(string Name, string Display)> Providers { get; } =
        [.. oidc.Value.Providers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.DisplayName is { Length: > 0 } d ? d : p.Key))];

    /// <summary>Whether the password form is shown and accepted (<c>Auth:LocalPasswords</c>).</summary>
    public bool LocalPasswords => auth.Value.LocalPasswords;

    public string ReturnUrl { get; private set; } = "/";

    public string? Name { get; private set; }

    public string? Error { get; private set; }

    public bool SignUpOpen { get; private set; }

    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context)
    {
        if (Providers.Count > 0)
        {
            Response.Headers.ContentSecurityPolicy = SecurityHeaders.AllowingFormsTo(oidc.Value.Providers.Values
                .Select(p => Uri.TryCreate(p.Authority, UriKind.Absolute, out var a) ? a.GetLeftPart(UriPartial.Authority) : null).OfType<string>().Distinct(StringComparer.Ordinal));
        }
    }

    public async Task OnGetAsync(string? returnUrl, string? error, CancellationToken ct)
    {
        ReturnUrl = SafeReturn(returnUrl);
        SignUpOpen = LocalPasswords && await settings.IsSignUpOpenAsync(ct);
        Error = error switch
        {
            OidcSignIn.NotLinked => L["No account here is linked to that sign-in. Ask an admin to create or link your account."].Value,
            OidcSignIn.Disabled => L["Wrong user name or password, or the account is disabled."].Value,
            OidcSignIn.Failed => L["Single sign-on failed: the provider's answer was refused. Try again, or ask an admin."].Value,
            _ => null,
        };
    }

    /// <summary>Starts single sign-on with <paramref name="provider"/> (a form post, so another site cannot start it).</summary>
    public IActionResult OnPostSso(string? provider, string? returnUrl) =>
        provider is not null && oidc.Value.Providers.ContainsKey(provider)
            ? Challenge(new AuthenticationProperties { RedirectUri = SafeReturn(returnUrl) }, OidcAuthentication.SchemeOf(provider))
            : NotFound();

    public async Task<IActionResult> OnPostAsync(string? name, string? password, string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = SafeReturn(returnUrl);
        Name = name;
        SignUpOpen = LocalPasswords && await settings.IsSignUpOpenAsync(ct);
        if (!LocalPasswords)
        {
            Error = L["Sign-in with a password is switched off. Use single sign-on."];
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }

        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password))
        {
            Error = L["Enter your user name and password."];
            return Page();
        }

        var address = HttpContext.Connection.RemoteIpAddress;
        if (throttle.RetryAfter(name, address) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            Error = L["Too many failed sign-ins. Try again in {0} seconds.", seconds];
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var user = await accounts.SignInWithPasswordAsync(name, password, ct);
        if (user is null)
        {
            throttle.Failed(name, address);
            Error = L["Wrong user name or password, or the account is disabled."];
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        throttle.Succeeded(name);
        await HttpContext.SignInAsync(AuthNames.SessionScheme, CallerExtensions.Principal(user.Id, user.Name, user.Role, AuthNames.SessionScheme));
        return LocalRedirect(ReturnUrl);
    }
}
