using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace OpenMaas.Server.WebConsole.Pages;

/// <summary>The header's language switch: remembers the choice in a cookie for a year and goes back.</summary>
internal sealed class LanguageModel(IStringLocalizer<ConsoleText> text) : ConsolePageModel(text)
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost(string? culture, string? returnUrl)
    {
        if (ConsoleCultures.IsSupported(culture))
        {
            Response.Cookies.Append(
                ConsoleCultures.CookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture!)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = Request.IsHttps });
        }

        return LocalRedirect(SafeReturn(returnUrl));
    }
}
