using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Usage;

/// <summary>One admitted inference call, written to the durable usage log before its response ends.</summary>
public sealed class UsageRecord
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The quota day the call was admitted on (calendar date in the quota zone).</summary>
    public DateOnly Day { get; set; }

    public long UserId { get; set; }

    public long? TokenId { get; set; }

    public required string ModelId { get; set; }

    /// <summary>The organisation the call was counted in (its pools); null: none.</summary>
    public long? OrganizationId { get; set; }

    /// <summary>Units of the daily allowances the call spent: its model's weight when admitted (1 for records from
    /// before weights).</summary>
    public int Units { get; set; } = 1;

    /// <summary>The surface the call came in on: <c>openai</c>, later <c>anthropic</c>, <c>modelscope</c>, <c>console</c>.</summary>
    public string Protocol { get; set; } = "openai";

    /// <summary>The endpoint within the surface, e.g. <c>chat.completions</c>.</summary>
    public required string Endpoint { get; set; }

    public int Status { get; set; }

    public double LatencyMs { get; set; }

    /// <summary>Time to first output; null when nothing was output.</summary>
    public double? TtftMs { get; set; }

    public int PromptTokens { get; set; }

    public int CompletionTokens { get; set; }

    public required string RequestId { get; set; }

    /// <summary>False when the call was refunded (it failed on the server before any output).</summary>
    public bool Counted { get; set; }
}

internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> builder)
    {
        builder.ToTable("usage_log");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.ModelId).UseCollation("BINARY");
        builder.HasIndex(r => new { r.Day, r.UserId });
        builder.Property(r => r.Units).HasDefaultValue(1).HasSentinel(1); // records from before weights spent 1
    }
}
