using OpenMaas.Core;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Server.Auth;

/// <summary>Why an organisation change was refused: the status the API answers and the rule the console translates.</summary>
internal sealed record OrganizationRefusal(int Status, RuleViolation Reason);

/// <summary>The changes the API and the console make to an organisation, with the same checks in the same order:
/// the caller manages it (403), the input is valid (400), the user exists (404), the change applies (404/409).</summary>
internal sealed class OrganizationActions(IOrganizationService organizations, IAccountService accounts, ITokenService tokens)
{
    public async Task<OrganizationRefusal?> AddMemberAsync(OrganizationAccess access, string? userName, string? role, CancellationToken ct)
    {
        if (Check(access, role) is { } refused)
        {
            return refused;
        }

        if (await FindUserAsync(userName, ct) is not { } user)
        {
            return NoUser(userName);
        }

        return await organizations.AddMemberAsync(access.Organization.Id, user.Id, role!, ct)
            ? null
            : new(StatusCodes.Status409Conflict, new("user", "'{0}' is a member of {1} already.", user.Name, access.Organization.Name));
    }

    public async Task<OrganizationRefusal?> SetRoleAsync(OrganizationAccess access, string userName, string? role, CancellationToken ct)
    {
        if (Check(access, role) is { } refused)
        {
            return refused;
        }

        if (await MemberAsync(access, userName, ct) is not { } member)
        {
            return NotMember(access, userName);
        }

        if (OrganizationRules.CheckMayManage(access.ActingRole, member.Role) is { } notOwner)
        {
            return new(StatusCodes.Status403Forbidden, notOwner);
        }

        return await Applied(() => organizations.SetRoleAsync(access.Organization.Id, member.UserId, role!, ct));
    }

    public async Task<OrganizationRefusal?> RemoveMemberAsync(OrganizationAccess access, string userName, CancellationToken ct)
    {
        if (!access.Manages)
        {
            return NotManager(access);
        }

        if (await MemberAsync(access, userName, ct) is not { } member)
        {
            return NotMember(access, userName);
        }

        if (OrganizationRules.CheckMayManage(access.ActingRole, member.Role) is { } notOwner)
        {
            return new(StatusCodes.Status403Forbidden, notOwner);
        }

        return await Applied(() => organizations.RemoveMemberAsync(access.Organization.Id, member.UserId, ct));
    }

    /// <summary>A token owned by the organisation, for <paramref name="forUser"/> (a member; the caller when null).</summary>
    public async Task<(CreatedToken? Token, OrganizationRefusal? Refusal)> CreateTokenAsync(
        OrganizationAccess access, long callerId, string? forUser, string? description, int? expiresDays, TokenScope scope, CancellationToken ct)
    {
        if (!access.Manages)
        {
            return (null, NotManager(access));
        }

        if (TokenRules.CheckNew(description, expiresDays, scope) is { } invalid)
        {
            return (null, new(StatusCodes.Status400BadRequest, invalid));
        }

        long userId = callerId;
        if (forUser is { Length: > 0 })
        {
            if (await MemberAsync(access, forUser, ct) is not { } member)
            {
                return (null, new(StatusCodes.Status400BadRequest, new("user", "'{0}' is not a member of {1}: add them first.", forUser, access.Organization.Name)));
            }

            userId = member.UserId;
        }

        return (await tokens.CreateAsync(userId, description, expiresDays, scope, access.Organization.Id, ct), null);
    }

    public async Task<OrganizationRefusal?> RevokeTokenAsync(OrganizationAccess access, long id, CancellationToken ct)
    {
        if (!access.Manages)
        {
            return NotManager(access);
        }

        if (await tokens.FindAsync(id, ct) is not { } token || token.OrganizationId != access.Organization.Id)
        {
            return new(StatusCodes.Status404NotFound, new("id", "{0} has no token {1}.", access.Organization.Name, id));
        }

        await tokens.RevokeAsync(id, ct);
        return null;
    }

    /// <summary>Deletes the organisation: its owners and system admins only (403), and only once it owns no models (409).</summary>
    public async Task<OrganizationRefusal?> DeleteAsync(OrganizationAccess access, CancellationToken ct)
    {
        if (!access.SystemAdmin && access.Role != OrganizationRoles.Owner)
        {
            return new(StatusCodes.Status403Forbidden, new("role", "Only owners of {0} may delete it.", access.Organization.Name));
        }

        try
        {
            return await organizations.DeleteAsync(access.Organization.Id, ct) is null
                ? new(StatusCodes.Status404NotFound, new("name", "No organisation '{0}'.", access.Organization.Name))
                : null;
        }
        catch (RuleViolationException e)
        {
            return new(StatusCodes.Status409Conflict, e.Violation);
        }
    }

    public static OrganizationRefusal NotManager(OrganizationAccess access) =>
        new(StatusCodes.Status403Forbidden, new("role", "Only owners and admins of {0} may do this.", access.Organization.Name));

    private static OrganizationRefusal? Check(OrganizationAccess access, string? role)
    {
        if (!access.Manages)
        {
            return NotManager(access);
        }

        if (OrganizationRules.CheckRole(role) is { } badRole)
        {
            return new(StatusCodes.Status400BadRequest, badRole);
        }

        return OrganizationRules.CheckMayManage(access.ActingRole, role!) is { } notOwner ? new(StatusCodes.Status403Forbidden, notOwner) : null;
    }

    private async Task<UserAccount?> FindUserAsync(string? name, CancellationToken ct) =>
        UserName.IsValid(name) ? await accounts.FindAsync(name, ct) : null;

    private async Task<MemberInfo?> MemberAsync(OrganizationAccess access, string userName, CancellationToken ct) =>
        (await organizations.MembersAsync(access.Organization.Id, ct)).FirstOrDefault(m => m.UserName == userName);

    private static OrganizationRefusal NoUser(string? name) => new(StatusCodes.Status404NotFound, new("user", "No user '{0}'.", name));

    private static OrganizationRefusal NotMember(OrganizationAccess access, string name) =>
        new(StatusCodes.Status404NotFound, new("user", "'{0}' is not a member of {1}.", name, access.Organization.Name));

    /// <summary>Runs a change the service may refuse by rule (the last owner) or find nothing to do (a member just removed).</summary>
    private static async Task<OrganizationRefusal?> Applied(Func<Task<bool>> change)
    {
        try
        {
            return await change() ? null : new(StatusCodes.Status404NotFound, new("user", "No such member."));
        }
        catch (RuleViolationException e)
        {
            return new(StatusCodes.Status409Conflict, e.Violation);
        }
    }
}
