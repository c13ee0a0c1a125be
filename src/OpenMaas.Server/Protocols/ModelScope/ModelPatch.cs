using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>The body of <c>PATCH /api/v1/models/{owner}/{name}</c>: absent fields stay, empty strings clear.</summary>
internal sealed record ModelPatch
{
    public string? DisplayName { get; init; }

    public string? License { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public string? Description { get; init; }

    /// <summary>The model card, Markdown.</summary>
    public string? ReadMeContent { get; init; }

    /// <summary><c>auto</c>, <c>on</c> or <c>off</c>.</summary>
    public string? ApiInference { get; init; }

    /// <summary>Calls per user per day on this model, for everyone (the quota's per-model cap).</summary>
    public int? DailyCallCap { get; init; }

    /// <summary>Private to the members of the organisation that owns the model (its ID's owner part must name one).</summary>
    public bool? Private { get; init; }
    /// <summary>Units one call spends of the daily allowances (1 or more).</summary>
    public int? Weight { get; init; }

    public (ModelCardChange? Change, string? Error) ToChange()
    {
        if (DailyCallCap < 0)
        {
            return (null, $"DailyCallCap must be 0 or more, not {DailyCallCap}.");
        }

        if (Weight < 1)
        {
            return (null, $"Weight must be 1 or more, not {Weight}.");
        }

        ApiInferenceMode? mode = null;
        if (ApiInference is { } text)
        {
            if (!Enum.TryParse<ApiInferenceMode>(text, ignoreCase: true, out var parsed) || int.TryParse(text, out _))
            {
                return (null, $"ApiInference must be auto, on or off, not '{text}'.");
            }

            mode = parsed;
        }

        var change = new ModelCardChange
        {
            DisplayName = DisplayName,
            License = License,
            Tags = Tags,
            Description = Description,
            Readme = ReadMeContent,
            ApiInferenceMode = mode,
            Private = Private,
            Weight = Weight,
        };
        return change.IsEmpty && DailyCallCap is null ? (null, "Nothing to change.") : (change, null);
    }
}
