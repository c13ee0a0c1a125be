using Microsoft.Extensions.Localization;
using OpenMaas.Server.WebConsole.Services;

namespace OpenMaas.Server.WebConsole.Pages.Account;

/// <summary>Shows a new token once: the text is taken out of <see cref="TokenReveal"/> on the first read, and the page
/// is never cached.</summary>
internal sealed class TokenCreatedModel(IStringLocalizer<ConsoleText> text, TokenReveal reveal) : ConsolePageModel(text)
{
    public string? Text { get; private set; }

    public string BaseUrl => $"{Request.Scheme}://{Request.Host}/v1";

    public void OnGet(string key)
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers.Pragma = "no-cache";
        Text = reveal.Take(key, CallerId!.Value)?.Text;
    }
}
