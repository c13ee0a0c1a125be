namespace OpenMaas.Core.Catalog;

/// <summary>An edit of a model's card: null leaves a field as it is, an empty value clears it.</summary>
public sealed record ModelCardChange
{
    public string? DisplayName { get; init; }

    public string? License { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public string? Description { get; init; }

    /// <summary>The model card as Markdown.</summary>
    public string? Readme { get; init; }

    public ApiInferenceMode? ApiInferenceMode { get; init; }

    /// <summary>Private to the members of the organisation that owns the model (check
    /// <see cref="Organizations.OrganizationRules.CheckPrivate"/> first).</summary>
    public bool? Private { get; init; }

    /// <summary>Units one call spends of the daily allowances (at least 1).</summary>
    public int? Weight { get; init; }

    public bool IsEmpty => this == new ModelCardChange();

    /// <summary>Splits <c>a, b,c</c> into trimmed, distinct, non-empty tags.</summary>
    public static IReadOnlyList<string> ParseTags(string tags) =>
        [.. tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    public void Apply(ModelRecord model)
    {
        model.DisplayName = Edit(DisplayName, model.DisplayName);
        model.License = Edit(License, model.License);
        model.Description = Edit(Description, model.Description);
        model.Readme = Edit(Readme, model.Readme);
        if (Tags is not null)
        {
            model.Tags = [.. Tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)];
        }

        if (ApiInferenceMode is { } mode)
        {
            model.ApiInferenceMode = mode;
        }

        if (Private is { } hidden)
        {
            model.Private = hidden;
        }

        if (Weight is { } weight)
        {
            model.Weight = Math.Max(1, weight);
        }
    }

    private static string? Edit(string? change, string? current) => change is null ? current : change.Length == 0 ? null : change;
}
