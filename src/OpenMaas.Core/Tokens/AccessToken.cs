using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenMaas.Core.Accounts;

namespace OpenMaas.Core.Tokens;

/// <summary>An access token. Only its SHA-256 hash and a short display prefix are stored; the text is shown once.</summary>
public sealed class AccessToken
{
    public long Id { get; set; }

    public long UserId { get; set; }

    public UserAccount? User { get; set; }

    /// <summary>SHA-256 of the token text.</summary>
    public required byte[] Hash { get; set; }

    /// <summary>The first characters of the token (<c>ms-</c> plus 8), enough to recognise it in a list.</summary>
    public required string Prefix { get; set; }

    public string Description { get; set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Model ID patterns the token may call, comma-separated (<see cref="TokenScope"/>); null: every model.</summary>
    public string? Models { get; set; }

    /// <summary>The token's own daily call cap; null: only the user's limits apply.</summary>
    public int? DailyCalls { get; set; }

    /// <summary>The organisation that owns the token (made by its owners or admins for <see cref="UserId"/>, a member);
    /// null for a personal token. Calls with it carry the organisation's claim.</summary>
    public long? OrganizationId { get; set; }

    /// <summary>SHA-256 of the text the token had before its last rotation, while that text is still accepted; null
    /// when there is none.</summary>
    public byte[]? PreviousHash { get; set; }

    /// <summary>Until when the previous text is accepted (<see cref="PreviousHash"/>).</summary>
    public DateTimeOffset? PreviousValidUntil { get; set; }

    /// <summary>When the token last got a new text.</summary>
    public DateTimeOffset? RotatedAt { get; set; }
}

internal sealed class AccessTokenConfiguration : IEntityTypeConfiguration<AccessToken>
{
    public void Configure(EntityTypeBuilder<AccessToken> builder)
    {
        builder.ToTable("access_tokens");
        builder.HasKey(t => t.Id);
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasIndex(t => t.PreviousHash).IsUnique();
        builder.HasIndex(t => t.Prefix);
        builder.HasIndex(t => t.UserId);
        builder.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => t.OrganizationId);
        builder.HasOne<Organizations.Organization>().WithMany().HasForeignKey(t => t.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
