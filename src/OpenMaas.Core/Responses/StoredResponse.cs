using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Responses;

/// <summary>One stored answer of OpenAI's Responses API (<c>store: true</c>): the response object as it was sent and the
/// conversation it answered, so that <c>previous_response_id</c> continues it on any node. Kept for the retention period.</summary>
public sealed class StoredResponse
{
    /// <summary>The response's id, <c>resp_…</c>.</summary>
    public required string Id { get; set; }

    /// <summary>Who made it (0 when authentication is off); nobody else can read, continue or delete it.</summary>
    public long UserId { get; set; }

    /// <summary>When it was made, in Unix milliseconds (comparable on SQLite and PostgreSQL alike).</summary>
    public long CreatedAtMs { get; set; }

    public required string ModelId { get; set; }

    /// <summary>The conversation items the response answered (inherited ones first, then the call's own input), as a
    /// JSON array of input items; the instructions are not part of it (they do not carry over).</summary>
    public required string InputJson { get; set; }

    /// <summary>The response object as JSON, exactly as it was answered.</summary>
    public required string ResponseJson { get; set; }
}

internal sealed class StoredResponseConfiguration : IEntityTypeConfiguration<StoredResponse>
{
    public void Configure(EntityTypeBuilder<StoredResponse> builder)
    {
        builder.ToTable("responses");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).UseCollation("BINARY");
        builder.Property(r => r.ModelId).UseCollation("BINARY");
        builder.HasIndex(r => r.CreatedAtMs);
    }
}
