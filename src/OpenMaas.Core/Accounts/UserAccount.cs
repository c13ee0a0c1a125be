using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Accounts;

/// <summary>An account that calls the API and owns access tokens and a daily quota.</summary>
public sealed class UserAccount
{
    public long Id { get; set; }

    public required string Name { get; set; }

    /// <summary>ASP.NET Core Identity <c>PasswordHasher</c> output (PBKDF2-HMAC-SHA512); null when the account
    /// only uses access tokens.</summary>
    public string? PasswordHash { get; set; }

    public string Role { get; set; } = UserRoles.User;

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public bool IsAdmin => Role == UserRoles.Admin;
}

public static class UserRoles
{
    public const string User = "user";
    public const string Admin = "admin";
}

/// <summary>Account names: letters, digits, <c>-_.</c>, up to 64 characters.</summary>
public static partial class UserName
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}$")]
    private static partial Regex Pattern();

    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);
}

internal sealed class UserAccountConfiguration : IEntityTypeConfiguration<UserAccount>
{
    public void Configure(EntityTypeBuilder<UserAccount> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Name).UseCollation("BINARY");
        builder.HasIndex(u => u.Name).IsUnique();
        builder.Ignore(u => u.IsAdmin);
    }
}
