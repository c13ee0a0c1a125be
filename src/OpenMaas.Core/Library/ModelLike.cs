using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Library;

/// <summary>One user's like of one model.</summary>
public sealed class ModelLike
{
    public required string ModelId { get; set; }

    public long UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A counted download: one row per model, downloader and day, so a user counts at most once a day.</summary>
public sealed class ModelDownload
{
    public required string ModelId { get; set; }

    /// <summary>Who downloaded: <c>user:ID</c>, or <c>anon:ADDRESS</c> for a caller without an account.</summary>
    public required string Subject { get; set; }

    public DateOnly Day { get; set; }
}

internal sealed class ModelLikeConfiguration : IEntityTypeConfiguration<ModelLike>
{
    public void Configure(EntityTypeBuilder<ModelLike> builder)
    {
        builder.ToTable("model_likes");
        builder.HasKey(l => new { l.ModelId, l.UserId });
        builder.Property(l => l.ModelId).UseCollation("BINARY");
        builder.Property(l => l.CreatedAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
    }
}

internal sealed class ModelDownloadConfiguration : IEntityTypeConfiguration<ModelDownload>
{
    public void Configure(EntityTypeBuilder<ModelDownload> builder)
    {
        builder.ToTable("model_downloads");
        builder.HasKey(d => new { d.ModelId, d.Subject, d.Day });
        builder.Property(d => d.ModelId).UseCollation("BINARY");
        builder.HasIndex(d => d.Day);
    }
}
