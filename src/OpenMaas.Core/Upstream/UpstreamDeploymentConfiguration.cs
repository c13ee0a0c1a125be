using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Upstream;

internal sealed class UpstreamDeploymentConfiguration : IEntityTypeConfiguration<UpstreamDeployment>
{
    public void Configure(EntityTypeBuilder<UpstreamDeployment> builder)
    {
        builder.ToTable("upstream_deployments");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.ModelId).UseCollation("BINARY");
        builder.Property(d => d.Api).HasMaxLength(16);
        builder.Property(d => d.CreatedAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
        builder.HasIndex(d => new { d.ModelId, d.Url, d.UpstreamModel }).IsUnique();
    }
}
