using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Accounts;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.WebConsole.Pages.Account;

internal sealed class PasswordModel(IStringLocalizer<ConsoleText> text, IAccountService accounts, LoginThrottle throttle) : ConsolePageModel(text)
{
    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? current, string? password, CancellationToken ct)
    {
        var name = User.Identity!.Name!;
        if (throttle.RetryAfter(name, HttpContext.Connection.RemoteIpAddress) is not null)
        {
            Error = L["Too many failed sign-ins. Try again later."];
            return Page();
        }

        if (current is null || await accounts.VerifyPasswordAsync(name, current, ct) is null)
        {
            throttle.Failed(name, HttpContext.Connection.RemoteIpAddress);
            Error = L["The current password is wrong."];
            return Page();
        }

        if (AccountRules.CheckPassword(password) is { } refused)
        {
            Error = Say(refused);
            return Page();
        }

        await accounts.SetPasswordAsync(name, password!, ct);
        Notice(L["Your password was changed."]);
        return Redirect("/account/password");
    }
}
