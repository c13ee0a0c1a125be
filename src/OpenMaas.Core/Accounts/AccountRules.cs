namespace OpenMaas.Core.Accounts;

/// <summary>What an account name and a password may be: checked alike by the CLI and the console before they call
/// <see cref="IAccountService"/>, which enforces them again.</summary>
public static class AccountRules
{
    public const int MinPasswordLength = 8;

    public static RuleViolation? CheckName(string? name) => UserName.IsValid(name)
        ? null
        : new("name", "Invalid user name '{0}': letters, digits, '-', '_' and '.', up to 64 characters.", name);

    public static RuleViolation? CheckPassword(string? password) => password is { Length: >= MinPasswordLength }
        ? null
        : new("password", "The password must have at least {0} characters.", MinPasswordLength);
}
