using OpenMaas.Core.Catalog;

namespace OpenMaas.Core.Organizations;

/// <summary>Organisations and their members. Every change bumps the change notice after it commits, so the membership
/// that decides who sees a private model applies from the next call, on every node.</summary>
public interface IOrganizationService
{
    /// <summary>Creates an organisation, with <paramref name="ownerId"/> as its first owner when given; null when the name
    /// is taken. What <see cref="OrganizationRules"/> refuses throws <see cref="RuleViolationException"/>.</summary>
    Task<OrganizationInfo?> CreateAsync(string name, string? displayName, long? ownerId, CancellationToken ct = default);

    /// <summary>Every organisation (<paramref name="all"/>) or those <paramref name="userId"/> belongs to, by name, each
    /// with the role <paramref name="userId"/> has in it.</summary>
    Task<IReadOnlyList<OrganizationInfo>> ListAsync(long userId, bool all, CancellationToken ct = default);

    /// <summary>By numeric ID or by name.</summary>
    Task<Organization?> FindAsync(string idOrName, CancellationToken ct = default);

    Task<IReadOnlyList<MemberInfo>> MembersAsync(long organizationId, CancellationToken ct = default);

    /// <summary>The role the user has in the organisation; null for a non-member.</summary>
    Task<string?> RoleOfAsync(long organizationId, long userId, CancellationToken ct = default);

    /// <summary>False when the user is a member already.</summary>
    Task<bool> AddMemberAsync(long organizationId, long userId, string role, CancellationToken ct = default);

    /// <summary>False when the user is not a member; refuses (<see cref="RuleViolationException"/>) to leave it without an owner.</summary>
    Task<bool> SetRoleAsync(long organizationId, long userId, string role, CancellationToken ct = default);

    /// <summary>Removes the member and revokes the organisation's tokens made for them. False when not a member;
    /// refuses (<see cref="RuleViolationException"/>) to remove the last owner.</summary>
    Task<bool> RemoveMemberAsync(long organizationId, long userId, CancellationToken ct = default);

    /// <summary>Deletes the organisation with its memberships, its tokens (refused from the next call) and its limits;
    /// its usage history stays. Refuses (<see cref="RuleViolationException"/>) while it owns models. Null when there is
    /// no such organisation.</summary>
    Task<OrganizationDeleted?> DeleteAsync(long organizationId, CancellationToken ct = default);

    /// <summary>The names of the organisations the user belongs to (cached behind the change notice: the hot path of
    /// every call to a private model).</summary>
    ValueTask<IReadOnlySet<string>> NamesOfAsync(long userId, CancellationToken ct = default);

    /// <summary>The models the organisation owns (Model ID <c>name/…</c>), public and private, by ID.</summary>
    Task<IReadOnlyList<ModelRecord>> ModelsAsync(string name, CancellationToken ct = default);
}

/// <param name="Role">The role of the user the list was made for; null when not a member.</param>
public sealed record OrganizationInfo(long Id, string Name, string? DisplayName, DateTimeOffset CreatedAt, int Members, string? Role);

public sealed record MemberInfo(long UserId, string UserName, string Role, DateTimeOffset JoinedAt);

/// <summary>What deleting an organisation removed with it.</summary>
public sealed record OrganizationDeleted(string Name, int Members, int Tokens);
