using OpenMaas.Server.Pipeline;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using OpenMaas.Core;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.WebConsole.Pages;

/// <summary>What every console page model shares: the caller and the strings.</summary>
internal abstract class ConsolePageModel(IStringLocalizer<ConsoleText> text) : PageModel
{
    protected IStringLocalizer<ConsoleText> L => text;

    public long? CallerId => User.UserId();

    public bool CallerIsAdmin => User.IsAdmin();

    /// <summary>Why a domain rule refused the input, in the page's language.</summary>
    protected string Say(RuleViolation violation) => L[violation.Template, violation.Args!];

    /// <summary>An organisation role in the page's language.</summary>
    public string RoleName(string role) => role switch
    {
        Core.Organizations.OrganizationRoles.Owner => L["Owner"],
        Core.Organizations.OrganizationRoles.Admin => L["Admin"],
        _ => L["Member"],
    };

    /// <summary>Shows a message on the next page (after a redirect).</summary>
    protected void Notice(string message) => TempData["Notice"] = message;

    /// <summary>A local URL to go back to, never another site.</summary>
    protected static string SafeReturn(string? url) =>
        url is { Length: > 0 } && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
