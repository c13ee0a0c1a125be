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

    /// <summary>Every entity configuration of OpenMaas.Core, listed (in full-name order, as EF Core's assembly scan
    /// applies them) rather than found by <c>ApplyConfigurationsFromAssembly</c>: that scan loads every type of the
    /// assembly, and with them the Redis and PostgreSQL clients a node may not use. A test checks the list against the
    /// scan.</summary>
    internal static void ApplyEntityConfigurations(ModelBuilder modelBuilder) => modelBuilder
        .ApplyConfiguration(new ExternalLoginConfiguration())
        .ApplyConfiguration(new UserAccountConfiguration())
        .ApplyConfiguration(new Audit.AuditRecordConfiguration())
        .ApplyConfiguration(new ModelRecordConfiguration())
        .ApplyConfiguration(new ModelDownloadConfiguration())
        .ApplyConfiguration(new ModelLikeConfiguration())
        .ApplyConfiguration(new OrganizationConfiguration())
        .ApplyConfiguration(new OrganizationMemberConfiguration())
        .ApplyConfiguration(new QuotaLimitConfiguration())
        .ApplyConfiguration(new StoredResponseConfiguration())
        .ApplyConfiguration(new Settings.SiteSettingConfiguration())
        .ApplyConfiguration(new Tasks.InferenceTaskConfiguration())
        .ApplyConfiguration(new AccessTokenConfiguration())
        .ApplyConfiguration(new Upstream.UpstreamDeploymentConfiguration())
        .ApplyConfiguration(new UsageRecordConfiguration());

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ApplyEntityConfigurations(modelBuilder);
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
