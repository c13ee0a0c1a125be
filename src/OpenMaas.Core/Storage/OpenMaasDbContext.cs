using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Library;

namespace OpenMaas.Core.Storage;

/// <summary>The relational state of OpenMaaS (SQLite in the embedded default).</summary>
public sealed class OpenMaasDbContext(DbContextOptions<OpenMaasDbContext> options) : DbContext(options)
{
    public DbSet<ModelRecord> Models => Set<ModelRecord>();

    public DbSet<ModelLike> Likes => Set<ModelLike>();

    public DbSet<ModelDownload> Downloads => Set<ModelDownload>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OpenMaasDbContext).Assembly);
    }
}
