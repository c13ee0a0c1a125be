using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Audit;

/// <summary>A row of the audit log (table <c>audit_log</c>).</summary>
public sealed class AuditRecord
{
    public long Id { get; set; }

    /// <summary>When, in Unix milliseconds (comparable on SQLite and PostgreSQL alike).</summary>
    public long AtMs { get; set; }

    public long? ActorId { get; set; }

    public required string Actor { get; set; }

    public string? Address { get; set; }

    public required string Action { get; set; }

    public string? TargetKind { get; set; }

    public string? TargetId { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }
}

internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> builder)
    {
        builder.ToTable("audit_log");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Actor).HasMaxLength(128).UseCollation("BINARY");
        builder.Property(a => a.Action).HasMaxLength(64).UseCollation("BINARY");
        builder.Property(a => a.Address).HasMaxLength(64);
        builder.Property(a => a.TargetKind).HasMaxLength(32);
        builder.Property(a => a.TargetId).HasMaxLength(256);
        builder.HasIndex(a => a.AtMs);
        builder.HasIndex(a => new { a.Actor, a.AtMs });
        builder.HasIndex(a => new { a.Action, a.AtMs });
    }
}
