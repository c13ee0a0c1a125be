namespace OpenMaas.Core.Catalog;

/// <summary>A search of the library: every filter optional; <see cref="Page"/> is 1-based.</summary>
public sealed record ModelQuery
{
    public const int MaxPageSize = 100;

    /// <summary>Substring of the ID, display name, description or a tag (case-insensitive).</summary>
    public string? Search { get; init; }

    public string? Task { get; init; }

    /// <summary>A canonical domain name (<see cref="ModelDomains"/>).</summary>
    public string? Domain { get; init; }

    /// <summary>Only models with (true) or without (false) API-Inference.</summary>
    public bool? ApiInference { get; init; }

    public ModelSort Sort { get; init; } = ModelSort.Downloads;

    /// <summary>Who is looking: private models of organisations the viewer is not in are left out.</summary>
    public Organizations.ModelViewer Viewer { get; init; } = Organizations.ModelViewer.Everyone;

    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 20;
}

/// <summary>Downloads, likes and updated sort most first; name sorts by ID, A to Z.</summary>
public enum ModelSort
{
    Downloads,
    Likes,
    Updated,
    Name,
}

/// <summary>One page of a search, with the number of models that match in all.</summary>
public sealed record ModelPage(IReadOnlyList<ModelRecord> Items, int Total, int Page, int PageSize);
