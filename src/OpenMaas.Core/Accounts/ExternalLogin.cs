using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Accounts;

/// <summary>An account's identity at an OpenID Connect provider: the provider's issuer and the subject (<c>sub</c>) it
/// gives the person. An account is found by these two, never by e-mail.</summary>
public sealed class ExternalLogin
{
    public long Id { get; set; }

    public long UserId { get; set; }

    public UserAccount? User { get; set; }

    /// <summary>The configured provider's name (<c>Auth:Oidc:Providers:{name}</c>).</summary>
    public required string Provider { get; set; }

    /// <summary>The issuer (<c>iss</c>) without a trailing slash.</summary>
    public required string Issuer { get; set; }

    public required string Subject { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }

    /// <summary>Issuers compare without a trailing slash (an authority is often written without the one the
    /// provider's <c>iss</c> has).</summary>
    public static string NormalizeIssuer(string issuer) => issuer.TrimEnd('/');
}

internal sealed class ExternalLoginConfiguration : IEntityTypeConfiguration<ExternalLogin>
{
    public void Configure(EntityTypeBuilder<ExternalLogin> builder)
    {
        builder.ToTable("external_logins");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Issuer).HasMaxLength(512).UseCollation("BINARY");
        builder.Property(l => l.Subject).HasMaxLength(256).UseCollation("BINARY");
        builder.Property(l => l.Provider).HasMaxLength(64);
        builder.HasIndex(l => new { l.Issuer, l.Subject }).IsUnique();
        builder.HasIndex(l => l.UserId);
        builder.HasOne(l => l.User).WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
