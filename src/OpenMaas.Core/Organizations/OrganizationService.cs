using OpenMaas.Core.Audit;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Organizations;

internal sealed class OrganizationService(
    IDbContextFactory<OpenMaasDbContext> factory, IChangeNotice stamp, TimeProvider clock, IAuditLog audit, ILogger<OrganizationService> logger) : IOrganizationService
{
    /// <summary>Users whose memberships are kept in memory between changes; past it the cache starts over.</summary>
    internal const int CacheCapacity = 10_000;

    private readonly StampedCache<long, IReadOnlySet<string>> _names = new(stamp, CacheCapacity);

    public async Task<OrganizationInfo?> CreateAsync(string name, string? displayName, long? ownerId, CancellationToken ct = default)
    {
        RuleViolationException.ThrowIf(OrganizationRules.CheckName(name) ?? OrganizationRules.CheckDisplayName(displayName));
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.Organizations.AnyAsync(o => o.Name == name, ct))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var organization = new Organization { Name = name, DisplayName = displayName?.Trim() is { Length: > 0 } d ? d : null, CreatedAt = now };
        db.Organizations.Add(organization);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another process took the name between the check and the insert: as if it had been there.
            if (!await ExistsAsync(name, ct))
            {
                throw;
            }

            return null;
        }

        OrganizationLog.Created(logger, name, organization.Id);
        await audit.RecordAsync(new AuditEntry(AuditActions.OrgCreate, AuditActions.Targets.Organization, Id(organization.Id))
        {
            After = AuditJson.Of(new { organization.Name, organization.DisplayName, OwnerId = ownerId }),
        }, ct);
        if (ownerId is { } owner)
        {
            await AddMemberAsync(organization.Id, owner, OrganizationRoles.Owner, ct);
        }

        return new OrganizationInfo(organization.Id, name, organization.DisplayName, now, ownerId is null ? 0 : 1, ownerId is null ? null : OrganizationRoles.Owner);
    }

    public async Task<IReadOnlyList<OrganizationInfo>> ListAsync(long userId, bool all, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var organizations = db.Organizations.AsNoTracking();
        if (!all)
        {
            organizations = organizations.Where(o => db.OrganizationMembers.Any(m => m.OrganizationId == o.Id && m.UserId == userId));
        }

        var rows = await organizations.OrderBy(o => o.Name)
            .Select(o => new
            {
                o.Id, o.Name, o.DisplayName, o.CreatedAt,
                Members = db.OrganizationMembers.Count(m => m.OrganizationId == o.Id),
                Role = db.OrganizationMembers.Where(m => m.OrganizationId == o.Id && m.UserId == userId).Select(m => m.Role).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return [.. rows.Select(r => new OrganizationInfo(r.Id, r.Name, r.DisplayName, r.CreatedAt, r.Members, r.Role))];
    }

    public async Task<Organization?> FindAsync(string idOrName, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return long.TryParse(idOrName, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct)
            : await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Name == idOrName, ct);
    }

    public async Task<IReadOnlyList<MemberInfo>> MembersAsync(long organizationId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.OrganizationMembers.AsNoTracking().Where(m => m.OrganizationId == organizationId)
            .Select(m => new { m.UserId, m.User!.Name, m.Role, m.JoinedAt }).ToListAsync(ct);
        // Owners first, then admins, then members; by name within a role.
        return [.. rows.OrderBy(r => RoleRank(r.Role)).ThenBy(r => r.Name, StringComparer.Ordinal).Select(r => new MemberInfo(r.UserId, r.Name, r.Role, r.JoinedAt))];
    }

    public async Task<string?> RoleOfAsync(long organizationId, long userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.OrganizationMembers.AsNoTracking().Where(m => m.OrganizationId == organizationId && m.UserId == userId)
            .Select(m => m.Role).FirstOrDefaultAsync(ct);
    }

    public async Task<bool> AddMemberAsync(long organizationId, long userId, string role, CancellationToken ct = default)
    {
        RuleViolationException.ThrowIf(OrganizationRules.CheckRole(role));
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct))
        {
            return false;
        }

        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = organizationId, UserId = userId, Role = role, JoinedAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (await RoleOfAsync(organizationId, userId, ct) is null)
            {
                throw;
            }

            return false;
        }

        OrganizationLog.MemberAdded(logger, organizationId, userId, role);
        await audit.RecordAsync(new AuditEntry(AuditActions.OrgMemberAdd, AuditActions.Targets.Organization, Id(organizationId))
        {
            After = AuditJson.Of(new { UserId = userId, Role = role }),
        }, ct);
        return true;
    }

    public async Task<bool> SetRoleAsync(long organizationId, long userId, string role, CancellationToken ct = default)
    {
        RuleViolationException.ThrowIf(OrganizationRules.CheckRole(role));
        await using var db = await factory.CreateDbContextAsync(ct);
        var member = await db.OrganizationMembers.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct);
        if (member is null)
        {
            return false;
        }

        if (member.Role == OrganizationRoles.Owner && role != OrganizationRoles.Owner)
        {
            RuleViolationException.ThrowIf(OrganizationRules.CheckKeepsOwner(await OwnersAsync(db, organizationId, ct) - 1));
        }

        var before = member.Role;
        member.Role = role;
        await db.SaveChangesAsync(ct);
        OrganizationLog.RoleChanged(logger, organizationId, userId, role);
        await audit.RecordAsync(new AuditEntry(AuditActions.OrgMemberRole, AuditActions.Targets.Organization, Id(organizationId))
        {
            Before = AuditJson.Of(new { UserId = userId, Role = before }),
            After = AuditJson.Of(new { UserId = userId, Role = role }),
        }, ct);
        return true;
    }

    public async Task<bool> RemoveMemberAsync(long organizationId, long userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var member = await db.OrganizationMembers.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, ct);
        if (member is null)
        {
            return false;
        }

        if (member.Role == OrganizationRoles.Owner)
        {
            RuleViolationException.ThrowIf(OrganizationRules.CheckKeepsOwner(await OwnersAsync(db, organizationId, ct) - 1));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.OrganizationMembers.Remove(member);
        await db.SaveChangesAsync(ct);
        // A former member's organisation tokens stop working with the membership.
        var now = clock.GetUtcNow();
        var revoked = await db.Tokens.Where(t => t.OrganizationId == organizationId && t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        await transaction.CommitAsync(ct);
        stamp.Bump();
        OrganizationLog.MemberRemoved(logger, organizationId, userId, revoked);
        await audit.RecordAsync(new AuditEntry(AuditActions.OrgMemberRemove, AuditActions.Targets.Organization, Id(organizationId))
        {
            Before = AuditJson.Of(new { UserId = userId, member.Role }),
            After = AuditJson.Of(new { TokensRevoked = revoked }),
        }, ct);
        return true;
    }

    public async Task<OrganizationDeleted?> DeleteAsync(long organizationId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var organization = await db.Organizations.FirstOrDefaultAsync(o => o.Id == organizationId, ct);
        if (organization is null)
        {
            return null;
        }

        // Its models' IDs carry its name (private ones are visible to its members only): they go first, by an admin.
        RuleViolationException.ThrowIf(OrganizationRules.CheckOwnsNoModels(organization.Name, (await ModelsAsync(organization.Name, ct)).Count));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var members = await db.OrganizationMembers.CountAsync(m => m.OrganizationId == organizationId, ct);
        // Its tokens are deleted with it (the foreign key cascades): refused from the next call on every node.
        var tokens = await db.Tokens.CountAsync(t => t.OrganizationId == organizationId, ct);
        await db.QuotaLimits.Where(l => l.OrganizationId == organizationId).ExecuteDeleteAsync(ct);
        db.Organizations.Remove(organization);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        stamp.Bump();
        OrganizationLog.Deleted(logger, organization.Name, organizationId, members, tokens);
        await audit.RecordAsync(new AuditEntry(AuditActions.OrgDelete, AuditActions.Targets.Organization, Id(organizationId))
        {
            Before = AuditJson.Of(new { organization.Name, organization.DisplayName, Members = members, Tokens = tokens }),
        }, ct);
        return new OrganizationDeleted(organization.Name, members, tokens);
    }

    public ValueTask<IReadOnlySet<string>> NamesOfAsync(long userId, CancellationToken ct = default) =>
        _names.GetOrLoadAsync(userId, factory, static async (f, id, token) =>
        {
            await using var db = await f.CreateDbContextAsync(token);
            var names = await db.OrganizationMembers.AsNoTracking().Where(m => m.UserId == id).Select(m => m.Organization!.Name).ToListAsync(token);
            return ((IReadOnlySet<string>)names.ToHashSet(StringComparer.Ordinal), true);
        }, ct);

    public async Task<IReadOnlyList<ModelRecord>> ModelsAsync(string name, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var prefix = name + "/";
        var models = await db.Models.AsNoTracking().Where(m => m.Id.StartsWith(prefix)).ToListAsync(ct);
        // StartsWith may compare without case on a provider; the owner part of a Model ID is case-sensitive.
        return [.. models.Where(m => m.Owner == name).OrderBy(m => m.Id, StringComparer.Ordinal)];
    }

    private async Task<bool> ExistsAsync(string name, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Organizations.AnyAsync(o => o.Name == name, ct);
    }

    private static Task<int> OwnersAsync(OpenMaasDbContext db, long organizationId, CancellationToken ct) =>
        db.OrganizationMembers.CountAsync(m => m.OrganizationId == organizationId && m.Role == OrganizationRoles.Owner, ct);

    private static int RoleRank(string role) => role switch
    {
        OrganizationRoles.Owner => 0,
        OrganizationRoles.Admin => 1,
        _ => 2,
    };

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
