using OpenMaas.Server.Pipeline;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Settings;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.WebConsole.Pages;

/// <summary>Self sign-up: only while an admin has opened it (Admin → Settings); 404 otherwise.</summary>
internal sealed class SignUpModel(IStringLocalizer<ConsoleText> text, IAccountService accounts, ISiteSettings settings, IOptions<AuthOptions> auth) : ConsolePageModel(text)
{
    // Sign-up makes a password account: there is none while local passwords are off.
    private async Task<bool> OpenAsync(CancellationToken ct) => auth.Value.LocalPasswords && await settings.IsSignUpOpenAsync(ct);

    public string? Name { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await OpenAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string? name, string? password, CancellationToken ct)
    {
        if (!await OpenAsync(ct))
        {
            return NotFound();
        }

        Name = name;
        if ((AccountRules.CheckName(name) ?? AccountRules.CheckPassword(password)) is { } refused)
        {
            Error = Say(refused);
            return Page();
        }

        var user = await accounts.CreateAsync(name!, password!, admin: false, ct);
        if (user is null)
        {
            Error = L["That user name is taken."];
            return Page();
        }

        await HttpContext.SignInAsync(AuthNames.SessionScheme, CallerExtensions.Principal(user.Id, user.Name, user.Role, AuthNames.SessionScheme));
        return Redirect("/account/tokens");
    }
}
