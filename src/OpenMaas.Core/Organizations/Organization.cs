using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenMaas.Core.Accounts;

namespace OpenMaas.Core.Organizations;

/// <summary>A team of users: members with roles, tokens owned by it, and the models whose Model ID has its name as the
/// owner part (<c>org/name</c>), which may be private to its members.</summary>
public sealed class Organization
{
    public long Id { get; set; }

    /// <summary>Unique; the owner part of the Model IDs it owns (<see cref="OrganizationRules.CheckName"/>).</summary>
    public required string Name { get; set; }

    public string? DisplayName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A user's membership of an organisation and the role it gives.</summary>
public sealed class OrganizationMember
{
    public long OrganizationId { get; set; }

    public Organization? Organization { get; set; }

    public long UserId { get; set; }

    public UserAccount? User { get; set; }

    /// <summary><see cref="OrganizationRoles"/>: owner, admin or member.</summary>
    public string Role { get; set; } = OrganizationRoles.Member;

    public DateTimeOffset JoinedAt { get; set; }
}

/// <summary>Owners and admins manage members and the organisation's tokens; only owners (and system admins) make or
/// unmake owners. Members use what the organisation has.</summary>
public static class OrganizationRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";

    public static IReadOnlyList<string> All { get; } = [Owner, Admin, Member];

    public static bool IsValid(string? role) => role is Owner or Admin or Member;

    /// <summary>Owners and admins manage the organisation.</summary>
    public static bool Manages(string? role) => role is Owner or Admin;
}

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.ToTable("organizations");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Name).UseCollation("BINARY");
        builder.HasIndex(o => o.Name).IsUnique();
    }
}

internal sealed class OrganizationMemberConfiguration : IEntityTypeConfiguration<OrganizationMember>
{
    public void Configure(EntityTypeBuilder<OrganizationMember> builder)
    {
        builder.ToTable("organization_members");
        builder.HasKey(m => new { m.OrganizationId, m.UserId });
        builder.HasIndex(m => m.UserId);
        builder.HasOne(m => m.Organization).WithMany().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
