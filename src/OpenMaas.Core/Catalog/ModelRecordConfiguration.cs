using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Catalog;

internal sealed class ModelRecordConfiguration : IEntityTypeConfiguration<ModelRecord>
{
    public void Configure(EntityTypeBuilder<ModelRecord> builder)
    {
        builder.ToTable("models");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).UseCollation("BINARY");
        builder.Ignore(m => m.Owner);
        builder.Ignore(m => m.Name);
        builder.Ignore(m => m.Domain);
        // SQLite cannot order by DateTimeOffset; Unix milliseconds sort and compare in SQL on every provider.
        builder.Property(m => m.CreatedAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
        builder.Property(m => m.UpdatedAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
        builder.Property(m => m.ApiInferenceMode).HasConversion<string>();
        builder.Property(m => m.Weight).HasDefaultValue(1).HasSentinel(1); // existing models weigh 1
        builder.OwnsMany(m => m.Files, f => f.ToJson());
        builder.HasIndex(m => m.Downloads);
        builder.HasIndex(m => m.Likes);
    }
}
