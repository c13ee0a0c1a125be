using System.ComponentModel.DataAnnotations.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Quota;

/// <summary>
/// A limit set by an admin on one scope (<see cref="LimitScope"/>): a daily allowance in units (<see cref="DailyCalls"/>:
/// a call spends its model's weight, 1 unless set), requests per minute and tokens per minute; a null value leaves that
/// limit to the scope's fallback (or unlimited). No user, model, token or organisation: the default for every user
/// (overrides <c>Quota:DailyCalls</c>); a user alone: that user's pool; a model alone: every user's daily cap for the model
/// and the model's global per-minute limits; user and model: one user's cap for one model; a token: that token's pool;
/// an organisation: its shared pool; an organisation and a user: that member's cap inside the organisation.
/// </summary>
public sealed class QuotaLimit
{
    public long Id { get; set; }

    public long? UserId { get; set; }

    public string? ModelId { get; set; }

    /// <summary>The access token this limit is for (a token pool).</summary>
    public long? TokenId { get; set; }

    /// <summary>The organisation this limit is for (its numeric id; no foreign key: organisations are another feature's).</summary>
    public long? OrganizationId { get; set; }

    /// <summary>Units per day (rows from before weights existed meant calls: a weight-1 call is one unit, so they keep
    /// their meaning); null: not limited here.</summary>
    public int? DailyCalls { get; set; }

    /// <summary>Requests per UTC minute; null: not limited here.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens (prompt + completion) per UTC minute; null: not limited here.</summary>
    public int? TokensPerMinute { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [NotMapped]
    public LimitScope Scope => new(UserId, ModelId, TokenId, OrganizationId);
}

internal sealed class QuotaLimitConfiguration : IEntityTypeConfiguration<QuotaLimit>
{
    public void Configure(EntityTypeBuilder<QuotaLimit> builder)
    {
        builder.ToTable("quota_limits");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.ModelId).UseCollation("BINARY");
        builder.HasIndex(l => new { l.UserId, l.ModelId });
        builder.HasIndex(l => l.TokenId);
        builder.HasIndex(l => l.OrganizationId);
        builder.Ignore(l => l.Scope);
    }
}
