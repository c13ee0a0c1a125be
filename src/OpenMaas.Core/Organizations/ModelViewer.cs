using OpenMaas.Core.Catalog;

namespace OpenMaas.Core.Organizations;

/// <summary>Who is looking at the library: a private model is seen only by the members of the organisation that owns it
/// (its Model ID's owner part) and by system admins; to anyone else it does not exist.</summary>
public sealed record ModelViewer
{
    /// <summary>A system admin (or a process of the operator: the CLI, background jobs): every model.</summary>
    public static ModelViewer Everyone { get; } = new() { SeesAll = true };

    /// <summary>A caller without an account: public models only.</summary>
    public static ModelViewer Anonymous { get; } = new();

    public bool SeesAll { get; private init; }

    /// <summary>The organisations whose private models the viewer sees.</summary>
    public IReadOnlySet<string> Organizations { get; private init; } = new HashSet<string>(StringComparer.Ordinal);

    public static ModelViewer MemberOf(IReadOnlySet<string> organizations) => organizations.Count == 0 ? Anonymous : new() { Organizations = organizations };

    public bool CanSee(ModelRecord model) => !model.Private || SeesPrivateModel(model.Id);

    /// <summary>True when the viewer would see <paramref name="modelId"/> were it private.</summary>
    public bool SeesPrivateModel(string modelId) => SeesAll || (modelId.IndexOf('/') is > 0 and var slash && Organizations.Contains(modelId[..slash]));
}
