using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.Auth;
using OpenMaas.Server.WebConsole.Services;

namespace OpenMaas.Server.WebConsole.Pages.Orgs;

/// <summary>One organisation: its members and their roles, its tokens (owners and admins: create, shown once on the
/// next page, and revoke) and its models; its owners delete it. The same checks as <c>/api/v1/orgs</c> (<see cref="OrganizationActions"/>);
/// to a non-member it does not exist (404).</summary>
internal sealed class OrganizationModel(
    IStringLocalizer<ConsoleText> text, IOrganizationService organizations, ITokenService tokens, OrganizationActions actions, TokenReveal reveal,
    TimeProvider clock) : ConsolePageModel(text)
{
    public OrganizationAccess Access { get; private set; } = null!;

    public IReadOnlyList<MemberInfo> Members { get; private set; } = [];

    public IReadOnlyList<TokenInfo> Tokens { get; private set; } = [];

    public IReadOnlyList<ModelRecord> Models { get; private set; } = [];

    /// <summary>Why the last form was refused (shown on the page, with its status).</summary>
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string org, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        return await LoadAsync(org, ct) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostAddMemberAsync(string org, string? user, string? role, CancellationToken ct) =>
        ChangeAsync(org, access => actions.AddMemberAsync(access, user?.Trim(), role, ct), L["{0} added.", user ?? string.Empty], ct);

    public Task<IActionResult> OnPostSetRoleAsync(string org, string user, string? role, CancellationToken ct) =>
        ChangeAsync(org, access => actions.SetRoleAsync(access, user, role, ct), L["Role of {0} saved.", user], ct);

    public Task<IActionResult> OnPostRemoveMemberAsync(string org, string user, CancellationToken ct) =>
        ChangeAsync(org, access => actions.RemoveMemberAsync(access, user, ct), L["{0} removed.", user], ct);

    public Task<IActionResult> OnPostRevokeTokenAsync(string org, long id, CancellationToken ct) =>
        ChangeAsync(org, access => actions.RevokeTokenAsync(access, id, ct), L["Token revoked."], ct);

    public async Task<IActionResult> OnPostDeleteAsync(string org, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(User, org, organizations, ct) is not { } access)
        {
            return NotFound();
        }

        if (await actions.DeleteAsync(access, ct) is { } refused)
        {
            return await FailAsync(org, refused, ct);
        }

        Notice(L["Organisation {0} deleted.", access.Organization.Name]);
        return Redirect("/orgs");
    }

    public async Task<IActionResult> OnPostCreateTokenAsync(string org, string? description, int? expiresDays, string? user, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(User, org, organizations, ct) is not { } access)
        {
            return NotFound();
        }

        var (created, refused) = await actions.CreateTokenAsync(access, CallerId!.Value, user, description, expiresDays, TokenScope.Unrestricted, ct);
        if (created is null)
        {
            return await FailAsync(org, refused!, ct);
        }

        var key = reveal.Put(CallerId!.Value, created.Info.Id, created.Text);
        return Redirect($"/account/tokens/new/{key}");
    }

    public string StateOf(TokenInfo t) =>
        t.RevokedAt is not null ? "revoked" : t.ExpiresAt is { } e && e <= clock.GetUtcNow() ? "expired" : "active";

    public static string Date(DateTimeOffset? at) => at is { } a ? a.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    /// <summary>The roles the caller may give (admins: not owner).</summary>
    public IEnumerable<string> GivableRoles => OrganizationRoles.All.Where(r => OrganizationRules.CheckMayManage(Access.ActingRole, r) is null);

    /// <summary>Owners and system admins may delete the organisation (once it owns no models).</summary>
    public bool MayDelete => Access.SystemAdmin || Access.Role == OrganizationRoles.Owner;

    /// <summary>Whether the caller may change or remove a member with <paramref name="role"/>.</summary>
    public bool MayManage(string role) => Access.Manages && OrganizationRules.CheckMayManage(Access.ActingRole, role) is null;

    private async Task<IActionResult> ChangeAsync(string org, Func<OrganizationAccess, Task<OrganizationRefusal?>> change, string done, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(User, org, organizations, ct) is not { } access)
        {
            return NotFound();
        }

        if (await change(access) is { } refused)
        {
            return await FailAsync(org, refused, ct);
        }

        Notice(done);
        return Redirect($"/orgs/{Uri.EscapeDataString(access.Organization.Name)}");
    }

    private async Task<IActionResult> FailAsync(string org, OrganizationRefusal refused, CancellationToken ct)
    {
        Error = Say(refused.Reason);
        Response.StatusCode = refused.Status;
        return await LoadAsync(org, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(string org, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(User, org, organizations, ct) is not { } access)
        {
            return false;
        }

        Access = access;
        Members = await organizations.MembersAsync(access.Organization.Id, ct);
        Tokens = access.Manages ? await tokens.ListByOrganizationAsync(access.Organization.Id, ct) : [];
        Models = await organizations.ModelsAsync(access.Organization.Name, ct);
        return true;
    }
}
