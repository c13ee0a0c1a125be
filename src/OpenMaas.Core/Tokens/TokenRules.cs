using System.Globalization;

namespace OpenMaas.Core.Tokens;

/// <summary>What a new token and a token's scope may be: the one set of rules the CLI, <c>/api/v1</c> and the console
/// check before they call <see cref="ITokenService"/>, which enforces them again.</summary>
public static class TokenRules
{
    public const int MaxExpiresDays = 3650;

    public const int MaxDescriptionLength = 200;

    /// <summary>The longest a rotated token's old text may keep working: 30 days.</summary>
    public const int MaxGraceMinutes = 30 * 24 * 60;

    private static readonly char[] Separators = [',', ' ', '\n', '\r', '\t'];

    /// <summary>A new token: description, expiry (null: never) and scope.</summary>
    public static RuleViolation? CheckNew(string? description, int? expiresDays, TokenScope scope) =>
        CheckDescription(description) ?? CheckExpiry(expiresDays) ?? CheckScope(scope);

    public static RuleViolation? CheckDescription(string? description) => description?.Trim() is { Length: > MaxDescriptionLength }
        ? new("description", "The description is limited to {0} characters.", MaxDescriptionLength)
        : null;

    public static RuleViolation? CheckExpiry(int? days) => days is <= 0 or > MaxExpiresDays
        ? new("expiresDays", "A token expires after 1 to {0} days (got {1}).", MaxExpiresDays, days)
        : null;

    /// <summary>How long a rotated token's old text keeps working, in minutes: 0 (not at all) to <see cref="MaxGraceMinutes"/>.</summary>
    public static RuleViolation? CheckGraceMinutes(int? minutes) => minutes is < 0 or > MaxGraceMinutes
        ? new("graceMinutes", "The grace period is 0 to {0} minutes (got {1}).", MaxGraceMinutes, minutes)
        : null;

    public static RuleViolation? CheckScope(TokenScope scope) => CheckModels([.. scope.Models]) ?? CheckDailyCalls(scope.DailyCalls);

    /// <summary>Model IDs or owner patterns (<c>owner/*</c>), at most <see cref="TokenScope.MaxPatterns"/>.</summary>
    public static RuleViolation? CheckModels(IReadOnlyList<string?> patterns)
    {
        if (patterns.Count > TokenScope.MaxPatterns)
        {
            return new("models", "A token may carry at most {0} model patterns.", TokenScope.MaxPatterns);
        }

        foreach (var p in patterns)
        {
            if (!TokenScope.IsValidPattern(p))
            {
                return new("models", "'{0}' is not a Model ID (owner/name) or an owner pattern (owner/*).", p);
            }
        }

        return null;
    }

    public static RuleViolation? CheckDailyCalls(int? cap) => cap is < 0 ? DailyCallsViolation(cap.Value.ToString(CultureInfo.InvariantCulture)) : null;

    /// <summary>Typed models: Model IDs or owner patterns separated by commas or spaces; empty text or <c>*</c> means
    /// every model.</summary>
    public static RuleViolation? ParseModels(string? text, out IReadOnlyList<string> models)
    {
        models = [];
        var patterns = (text ?? string.Empty).Split(Separators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (patterns is [] or ["*"])
        {
            return null;
        }

        if (CheckModels(patterns) is { } violation)
        {
            return violation;
        }

        models = patterns;
        return null;
    }

    /// <summary>A typed daily cap: a whole number, 0 or more; empty text or <c>none</c> means no cap.</summary>
    public static RuleViolation? ParseDailyCalls(string? text, out int? cap)
    {
        cap = null;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || string.Equals(trimmed, "none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return DailyCallsViolation(trimmed);
        }

        cap = value;
        return null;
    }

    /// <summary>A whole typed scope (models and daily cap, as <see cref="ParseModels"/> and <see cref="ParseDailyCalls"/>
    /// read them).</summary>
    public static RuleViolation? ParseScope(string? models, string? dailyCalls, out TokenScope scope)
    {
        scope = TokenScope.Unrestricted;
        if (ParseModels(models, out var patterns) is { } badModels)
        {
            return badModels;
        }

        if (ParseDailyCalls(dailyCalls, out var cap) is { } badCap)
        {
            return badCap;
        }

        scope = patterns.Count == 0 && cap is null ? TokenScope.Unrestricted : new TokenScope { Models = patterns, DailyCalls = cap };
        return null;
    }

    private static RuleViolation DailyCallsViolation(string typed) =>
        new("dailyCalls", "The daily cap must be a whole number, 0 or more (empty or 'none': no cap; got '{0}').", typed);
}
