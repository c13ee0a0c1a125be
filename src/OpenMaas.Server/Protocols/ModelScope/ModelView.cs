using System.Text.Json.Serialization;
using OpenMaas.Core.Catalog;
using OpenMaas.Server.Library;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>A model as the library API shows it (ModelScope's PascalCase names). List items leave out the card and
/// the files; the detail view has them.</summary>
internal sealed record ModelView
{
    public required string ModelId { get; init; }

    /// <summary>The owner (ModelScope's <c>Path</c>).</summary>
    public required string Path { get; init; }

    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    public required string Task { get; init; }

    public required string Domain { get; init; }

    public string? License { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    public string? Description { get; init; }

    public required string Revision { get; init; }

    /// <summary>Unix seconds.</summary>
    public long CreatedTime { get; init; }

    /// <summary>Unix seconds.</summary>
    public long LastUpdatedTime { get; init; }

    public long Likes { get; init; }

    public long Downloads { get; init; }

    /// <summary>gguf, onnx or upstream.</summary>
    public required string Runtime { get; init; }

    public bool Servable { get; init; }

    public required ApiInferenceView ApiInference { get; init; }

    /// <summary>Private to the members of the organisation that owns it (only they and admins ever see it).</summary>
    public bool Private { get; init; }
    /// <summary>Units one call spends of the daily allowances (ModelScope's credits per call).</summary>
    public int Weight { get; init; } = 1;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReadMeContent { get; init; }

    /// <summary>The model card rendered to sanitised HTML.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReadMeHtml { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<HubFile>? Files { get; init; }

    /// <summary>Whether the caller likes the model; absent for anonymous callers and in lists.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Liked { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Architecture { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ParameterCount { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ContextLength { get; init; }

    public static ModelView Summary(ModelRecord m) => new()
    {
        ModelId = m.Id,
        Path = m.Owner,
        Name = m.Name,
        DisplayName = m.DisplayName ?? m.Name,
        Task = m.Task,
        Domain = m.Domain,
        License = m.License,
        Tags = m.Tags,
        Description = m.Description,
        Revision = m.Revision,
        CreatedTime = m.CreatedAt.ToUnixTimeSeconds(),
        LastUpdatedTime = m.UpdatedAt.ToUnixTimeSeconds(),
        Likes = m.Likes,
        Downloads = m.Downloads,
        Runtime = m.Format,
        Servable = m.Servable,
        ApiInference = new ApiInferenceView(ModeName(m.ApiInferenceMode), m.ApiInference),
        Private = m.Private,
        Weight = m.Weight,
    };

    public static ModelView Detail(ModelRecord m, ModelCardRenderer renderer, bool? liked) => Summary(m) with
    {
        ReadMeContent = m.Readme ?? string.Empty,
        ReadMeHtml = renderer.ToHtml(m.Readme) ?? string.Empty,
        Files = [.. m.Files.Select(f => HubFile.Of(f))],
        Liked = liked,
        Architecture = m.Architecture,
        ParameterCount = m.ParameterCount,
        ContextLength = m.ContextLength,
    };

    public static string ModeName(ApiInferenceMode mode) => mode.ToString().ToLowerInvariant();
}

/// <summary>The API badge: the mode an admin set and whether /v1 serves the model now.</summary>
internal sealed record ApiInferenceView(string Mode, bool Enabled);

/// <summary>One entry of ModelScope's file list (<c>Type</c> is <c>blob</c> for a file, <c>tree</c> for a folder).
/// <see cref="Revision"/> is content-derived (the first 40 hex digits of the
/// SHA-256, shaped like the commit id ModelScope gives): the SDK's cache keys files by it, so a file whose content changes
/// under the same path is fetched again rather than served stale from the cache.</summary>
internal sealed record HubFile(string Name, string Path, string Type, long Size, string Sha256, string Revision)
{
    /// <summary>LFS-stored, as ModelScope marks weights; the SDK reads it.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("IsLFS")]
    public bool IsLfs => Type == "blob";

    public static HubFile Of(ModelFile f) => new(f.Path[(f.Path.LastIndexOf('/') + 1)..], f.Path, "blob", f.Size, f.Sha256, ContentRevision(f));

    /// <summary>The per-file revision: derived from the content, so it changes exactly when the bytes do.</summary>
    public static string ContentRevision(ModelFile f) => f.Sha256.Length >= 40 ? f.Sha256[..40] : f.Sha256;

    public static HubFile Folder(string path, string revision) => new(path[(path.LastIndexOf('/') + 1)..], path, "tree", 0, string.Empty, revision);
}

internal sealed record ModelListData(IReadOnlyList<ModelView> Models, int TotalCount, int PageNumber, int PageSize);

internal sealed record FileListData(IReadOnlyList<HubFile> Files);

internal sealed record LikeData(string ModelId, bool Liked, long Likes);

internal sealed record RevisionData(RevisionMap RevisionMap);

internal sealed record RevisionMap(IReadOnlyList<RevisionEntry> Branches, IReadOnlyList<RevisionEntry> Tags);

internal sealed record RevisionEntry(string Revision, long CreatedAt, string Message);

[JsonSerializable(typeof(HubResponse<ModelListData>))]
[JsonSerializable(typeof(HubResponse<ModelView>))]
[JsonSerializable(typeof(HubResponse<FileListData>))]
[JsonSerializable(typeof(HubResponse<LikeData>))]
[JsonSerializable(typeof(HubResponse<RevisionData>))]
internal sealed partial class LibraryJson : JsonSerializerContext;
