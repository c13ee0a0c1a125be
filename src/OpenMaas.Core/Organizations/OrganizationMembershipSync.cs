using OpenMaas.Core.Accounts;

namespace OpenMaas.Core.Organizations;

/// <summary>
/// Single sign-on's organisation claim (<c>Auth:Oidc:Providers:{name}:OrganizationClaim</c>) turned into memberships: at
/// every sign-in the account joins, as a member, each named organisation that exists and it is not yet in. Nothing is
/// created and nothing is taken away: organisations are made by admins, and a role given in OpenMaaS (owner, admin) or a
/// membership an admin added is left as it is.
/// </summary>
internal sealed class OrganizationMembershipSync(IOrganizationService organizations) : IExternalMembership
{
    public async Task SyncAsync(long userId, IReadOnlyCollection<string> organisations, CancellationToken ct)
    {
        foreach (var name in organisations.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.Ordinal))
        {
            if (await organizations.FindAsync(name.Trim(), ct) is { } organization
                && await organizations.RoleOfAsync(organization.Id, userId, ct) is null)
            {
                await organizations.AddMemberAsync(organization.Id, userId, OrganizationRoles.Member, ct);
            }
        }
    }
}
