namespace OpenMaas.Core.Accounts;

/// <summary>Who a provider says signed in: its issuer and subject, a name to suggest for a new account, whether its
/// admin claim was present (null: the provider has no admin claim configured), and its organisation claim's values.</summary>
public sealed record ExternalIdentity(string Provider, string Issuer, string Subject, string? PreferredName, bool? Admin, IReadOnlyCollection<string> Organizations);

public enum ExternalSignInStatus
{
    Ok,

    /// <summary>No account has this identity and accounts are not created on first sign-in.</summary>
    NotLinked,

    Disabled,
}

public sealed record ExternalSignIn(ExternalSignInStatus Status, UserAccount? User = null, bool Created = false);

/// <summary>Accounts of people who sign in through an OpenID Connect provider, found by issuer + subject.</summary>
public interface IExternalAccounts
{
    /// <summary>The account of <paramref name="identity"/>, created on its first sign-in when
    /// <paramref name="createAccounts"/>; its role follows the admin claim when the provider has one. Recorded in the
    /// audit log (sign-in success or failure, account creation, role change).</summary>
    Task<ExternalSignIn> SignInAsync(ExternalIdentity identity, bool createAccounts, CancellationToken ct = default);

    /// <summary>Links an existing account to a provider's subject (for providers that do not create accounts); false
    /// when the account is unknown. A subject already linked to another account throws <see cref="RuleViolationException"/>.</summary>
    Task<bool> LinkAsync(string userName, string provider, string issuer, string subject, CancellationToken ct = default);
}
