using OpenMaas.Server.Pipeline;
using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Settings;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.WebConsole.Pages;

internal sealed class SignInModel(IStringLocalizer<ConsoleText> text, IAccountService accounts, ISiteSettings settings, LoginThrottle throttle)
    : ConsolePageModel(text)
{
    public string ReturnUrl { get; private set; } = "/";

    public string? Name { get; private set; }

    public string? Error { get; private set; }

    public bool SignUpOpen { get; private set; }

    public async Task OnGetAsync(string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = SafeReturn(returnUrl);
        SignUpOpen = await settings.IsSignUpOpenAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(string? name, string? password, string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = SafeReturn(returnUrl);
        Name = name;
        SignUpOpen = await settings.IsSignUpOpenAsync(ct);
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

        var user = await accounts.VerifyPasswordAsync(name, password, ct);
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
