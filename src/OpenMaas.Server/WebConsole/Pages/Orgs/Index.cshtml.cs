using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Organizations;

namespace OpenMaas.Server.WebConsole.Pages.Orgs;

/// <summary>The caller's organisations (system admins: all) with their role in each; system admins create new ones.</summary>
internal sealed class OrganizationsModel(IStringLocalizer<ConsoleText> text, IOrganizationService organizations, IAccountService accounts)
    : ConsolePageModel(text)
{
    public IReadOnlyList<OrganizationInfo> Organizations { get; private set; } = [];

    /// <summary>Why the last form was refused (shown on the page, with status 400).</summary>
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        Organizations = await organizations.ListAsync(CallerId!.Value, CallerIsAdmin, ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? displayName, string? owner, CancellationToken ct)
    {
        if (!CallerIsAdmin)
        {
            return Forbid();
        }

        if ((OrganizationRules.CheckName(name) ?? OrganizationRules.CheckDisplayName(displayName)) is { } refused)
        {
            return await FailAsync(Say(refused), ct);
        }

        var ownerId = CallerId!.Value;
        if (owner is { Length: > 0 })
        {
            if ((UserName.IsValid(owner) ? await accounts.FindAsync(owner, ct) : null) is not { } account)
            {
                return await FailAsync(L["No user '{0}'.", owner], ct);
            }

            ownerId = account.Id;
        }

        if (await organizations.CreateAsync(name!, displayName, ownerId, ct) is null)
        {
            return await FailAsync(L["The organisation '{0}' exists already.", name!], ct);
        }

        Notice(L["Organisation {0} created.", name!]);
        return Redirect($"/orgs/{Uri.EscapeDataString(name!)}");
    }

    private async Task<IActionResult> FailAsync(string message, CancellationToken ct)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await OnGetAsync(ct);
        return Page();
    }
}
