using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Quota;

/// <summary>
/// A daily limit set by an admin. No user and no model: the default for everyone (overrides
/// <c>Quota:DailyCalls</c>); a user alone: that user's daily total; a model alone: every user's cap for that
/// model; both: one user's cap for one model.
/// </summary>
public sealed class QuotaLimit
{
    public long Id { get; set; }

    public long? UserId { get; set; }

    public string? ModelId { get; set; }

    public int DailyCalls { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The limits that apply to one call: the user's daily total and, when set, the model's cap and the calling
/// token's own cap.</summary>
public readonly record struct EffectiveLimits(int Daily, int? ModelDaily, int? TokenDaily = null);

internal sealed class QuotaLimitConfiguration : IEntityTypeConfiguration<QuotaLimit>
{
    public void Configure(EntityTypeBuilder<QuotaLimit> builder)
    {
        builder.ToTable("quota_limits");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.ModelId).UseCollation("BINARY");
        builder.HasIndex(l => new { l.UserId, l.ModelId });
    }
}
