using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Library;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Responses;
using OpenMaas.Core.Tokens;
using OpenMaas.Core.Usage;

namespace OpenMaas.Core.Storage;

/// <summary>The relational state of OpenMaaS: SQLite in the embedded default, PostgreSQL for several nodes. Schema changes
/// go through migrations for both (docs/migrations.md).</summary>
public sealed class OpenMaasDbContext(DbContextOptions<OpenMaasDbContext> options) : DbContext(options)
{
    public DbSet<ModelRecord> Models => Set<ModelRecord>();

    public DbSet<ModelLike> Likes => Set<ModelLike>();

    public DbSet<ModelDownload> Downloads => Set<ModelDownload>();

    public DbSet<UserAccount> Users => Set<UserAccount>();

    public DbSet<AccessToken> Tokens => Set<AccessToken>();

    public DbSet<QuotaLimit> QuotaLimits => Set<QuotaLimit>();

    public DbSet<UsageRecord> Usage => Set<UsageRecord>();

    public DbSet<StoredResponse> Responses => Set<StoredResponse>();

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<OrganizationMember> OrganizationMembers => Set<OrganizationMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OpenMaasDbContext).Assembly);
        if (!Database.IsSqlite())
        {
            // SQLite's BINARY (byte order, case-sensitive) is PostgreSQL's "C".
            foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()).Where(p => p.GetCollation() == "BINARY"))
            {
                property.SetCollation("C");
            }
        }
    }
}
