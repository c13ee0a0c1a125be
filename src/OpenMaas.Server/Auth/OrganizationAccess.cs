using System.Security.Claims;
using OpenMaas.Core.Organizations;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Auth;

/// <summary>What a caller may do in one organisation: members see it, owners and admins manage it, system admins do
/// everything. To anyone else it does not exist (the API and the console answer 404, as for a missing one).</summary>
internal sealed record OrganizationAccess(Organization Organization, string? Role, bool SystemAdmin)
{
    /// <summary>Owners, admins and system admins manage members and tokens.</summary>
    public bool Manages => SystemAdmin || OrganizationRoles.Manages(Role);

    /// <summary>The role the rules judge the caller by; null for a system admin (no limit).</summary>
    public string? ActingRole => SystemAdmin ? null : Role;

    /// <summary>The access of <paramref name="caller"/> to the organisation named (or numbered) <paramref name="idOrName"/>;
    /// null when there is none or the caller may not see it.</summary>
    public static async Task<OrganizationAccess?> ResolveAsync(ClaimsPrincipal caller, string idOrName, IOrganizationService organizations, CancellationToken ct)
    {
        if (caller.UserId() is not { } user || await organizations.FindAsync(idOrName, ct) is not { } organization)
        {
            return null;
        }

        var role = await organizations.RoleOfAsync(organization.Id, user, ct);
        var admin = caller.IsAdmin();
        return role is null && !admin ? null : new OrganizationAccess(organization, role, admin);
    }
}
