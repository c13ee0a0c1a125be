using System.Text.Json.Serialization;
using OpenMaas.Core.Catalog;

namespace OpenMaas.Core.Tokens;

/// <summary>
/// What one access token may do beyond its user's rights: the Model IDs it may call (exact IDs or <c>owner/*</c>
/// patterns; none means every model the user may call) and a daily call cap of its own (null: only the user's limits
/// apply). The cap counts in the same atomic admission as the user's and the model's limits.
/// </summary>
public sealed record TokenScope
{
    /// <summary>No restriction: every model, no cap of its own.</summary>
    public static TokenScope Unrestricted { get; } = new();

    /// <summary>The most patterns one token may carry.</summary>
    public const int MaxPatterns = 64;

    private readonly IReadOnlyList<string> _models = [];

    /// <summary>Model ID patterns; empty means every model.</summary>
    public IReadOnlyList<string> Models
    {
        get => _models;
        init => _models = [.. value.Distinct(StringComparer.Ordinal)];
    }

    public int? DailyCalls { get; init; }

    [JsonIgnore]
    public bool RestrictsModels => _models.Count > 0;

    [JsonIgnore]
    public bool IsUnrestricted => !RestrictsModels && DailyCalls is null;

    /// <summary>True when the token may call <paramref name="modelId"/> (model IDs compare as the catalog stores them:
    /// ordinally).</summary>
    public bool Allows(string modelId)
    {
        if (!RestrictsModels)
        {
            return true;
        }

        foreach (var pattern in _models)
        {
            if (pattern.EndsWith("/*", StringComparison.Ordinal)
                ? modelId.Length > pattern.Length - 1 && modelId.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
                : string.Equals(pattern, modelId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for a Model ID (<c>owner/name</c>) or an owner pattern (<c>owner/*</c>).</summary>
    public static bool IsValidPattern(string? pattern) =>
        pattern is not null && (ModelId.IsValid(pattern) || (pattern.EndsWith("/*", StringComparison.Ordinal) && ModelId.IsValid(pattern[..^1] + "x")));

    /// <summary>How the patterns are stored: one column, comma-separated (no pattern can contain a comma).</summary>
    internal static string? Store(IReadOnlyList<string> models) => models.Count == 0 ? null : string.Join(',', models);

    internal static IReadOnlyList<string> Load(string? stored) =>
        string.IsNullOrEmpty(stored) ? [] : stored.Split(',', StringSplitOptions.RemoveEmptyEntries);

    internal static TokenScope From(string? storedModels, int? dailyCalls) =>
        storedModels is null && dailyCalls is null ? Unrestricted : new TokenScope { Models = Load(storedModels), DailyCalls = dailyCalls };
}
