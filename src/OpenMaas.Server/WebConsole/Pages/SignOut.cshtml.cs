using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.WebConsole.Pages;

internal sealed class SignOutModel(IStringLocalizer<ConsoleText> text) : ConsolePageModel(text)
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(AuthNames.SessionScheme);
        return Redirect("/");
    }
}
