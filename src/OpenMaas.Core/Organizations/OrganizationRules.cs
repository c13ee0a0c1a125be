using System.Globalization;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;

namespace OpenMaas.Core.Organizations;

/// <summary>What an organisation, a membership and a private model may be: the one set of rules the CLI, <c>/api/v1</c>
/// and the console check before they call <see cref="IOrganizationService"/>, which enforces them again.</summary>
public static class OrganizationRules
{
    public const int MaxDisplayNameLength = 100;

    /// <summary>A name is the owner part of a Model ID (letters, digits, <c>-_.</c>, up to 64) and not a number, so that
    /// an organisation named on a command line is never mistaken for an ID.</summary>
    public static RuleViolation? CheckName(string? name) =>
        name is not null && ModelId.IsValid(name + "/x") && !long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? null
            : new("name", "Invalid organisation name '{0}': letters, digits, '-', '_' and '.', up to 64 characters, not only digits.", name);

    public static RuleViolation? CheckDisplayName(string? displayName) => displayName?.Trim() is { Length: > MaxDisplayNameLength }
        ? new("displayName", "The display name is limited to {0} characters.", MaxDisplayNameLength)
        : null;

    public static RuleViolation? CheckRole(string? role) => OrganizationRoles.IsValid(role)
        ? null
        : new("role", "Invalid role '{0}': owner, admin or member.", role);

    public static RuleViolation? CheckUserName(string? user) => UserName.IsValid(user)
        ? null
        : new("user", "Invalid user name '{0}'.", user);

    /// <summary>Whether a member with <paramref name="actorRole"/> (null: a system admin) may give, change or take away
    /// the role <paramref name="role"/> (the one the member has or gets): admins manage members and admins, only owners
    /// manage owners.</summary>
    public static RuleViolation? CheckMayManage(string? actorRole, string role) =>
        actorRole is null || actorRole == OrganizationRoles.Owner || (actorRole == OrganizationRoles.Admin && role != OrganizationRoles.Owner)
            ? null
            : new("role", "Only an owner of the organisation may give or take away the role '{0}'.", role);

    /// <summary>An organisation keeps at least one owner once it has one.</summary>
    public static RuleViolation? CheckKeepsOwner(int ownersLeft) => ownersLeft > 0
        ? null
        : new("role", "An organisation must keep at least one owner: make another member owner first.");

    /// <summary>An organisation is deleted only once it owns no models (their IDs carry its name).</summary>
    public static RuleViolation? CheckOwnsNoModels(string organization, int models) => models == 0
        ? null
        : new("name", "{0} owns {1} models: remove them first (openmaas model remove {0}/NAME).", organization, models);

    /// <summary>A private model belongs to an organisation: its Model ID's owner part names one.</summary>
    public static RuleViolation? CheckPrivate(string modelId, bool organizationExists) => organizationExists
        ? null
        : new("private", "Only a model of an organisation can be private: '{0}' is not an organisation (create it with 'openmaas org add {0}').",
            modelId.Split('/')[0]);
}
