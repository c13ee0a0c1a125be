namespace OpenMaas.Core.Accounts;

/// <summary>Creates, finds and disables accounts and checks passwords. Backed by the database shared with the
/// CLI, so changes are visible to a running server at once.</summary>
public interface IAccountService
{
    Task<UserAccount?> FindAsync(string name, CancellationToken ct = default);

    Task<UserAccount?> FindAsync(long id, CancellationToken ct = default);

    Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken ct = default);

    Task<bool> AnyAsync(CancellationToken ct = default);

    /// <summary>Creates the account (null password: it signs in only with access tokens); null when the name is taken.
    /// A name or password <see cref="AccountRules"/> refuses throws <see cref="RuleViolationException"/>.</summary>
    Task<UserAccount?> CreateAsync(string name, string? password, bool admin, CancellationToken ct = default);

    /// <summary>Enables or disables the account; false when unknown.</summary>
    Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken ct = default);

    /// <summary>Sets a new password (hashed); false when the account is unknown.</summary>
    Task<bool> SetPasswordAsync(string name, string password, CancellationToken ct = default);

    /// <summary>Makes the account an admin or a plain user; false when unknown.</summary>
    Task<bool> SetAdminAsync(string name, bool admin, CancellationToken ct = default);

    /// <summary>The enabled account when the password matches; null otherwise (unknown, disabled or wrong).</summary>
    Task<UserAccount?> VerifyPasswordAsync(string name, string password, CancellationToken ct = default);

    /// <summary>A sign-in with a password: <see cref="VerifyPasswordAsync"/>, recorded in the audit log as a success or
    /// a failure (never the password).</summary>
    Task<UserAccount?> SignInWithPasswordAsync(string name, string password, CancellationToken ct = default);
}
