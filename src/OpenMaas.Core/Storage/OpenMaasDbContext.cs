using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Library;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tokens;
using OpenMaas.Core.Usage;

namespace OpenMaas.Core.Storage;

/// <summary>The relational state of OpenMaaS (SQLite in the embedded default).</summary>
public sealed class OpenMaasDbContext(DbContextOptions<OpenMaasDbContext> options) : DbContext(options)
{
    public DbSet<ModelRecord> Models => Set<ModelRecord>();

    public DbSet<ModelLike> Likes => Set<ModelLike>();

    public DbSet<ModelDownload> Downloads => Set<ModelDownload>();

    public DbSet<UserAccount> Users => Set<UserAccount>();

    public DbSet<AccessToken> Tokens => Set<AccessToken>();

    public DbSet<QuotaLimit> QuotaLimits => Set<QuotaLimit>();

    public DbSet<UsageRecord> Usage => Set<UsageRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OpenMaasDbContext).Assembly);
    }
}
