using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Library;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>ModelScope's hub file API, so that files can be pulled from an OpenMaaS the way they are from ModelScope:
/// the file list, a file (with HTTP Range, for resume) and the revisions.</summary>
internal static class HubEndpoints
{
    public static RouteGroupBuilder MapHubFiles(this RouteGroupBuilder models)
    {
        models.MapGet("/{owner}/{name}/repo/files", ListFiles).WithName("HubListFiles");
        models.MapGet("/{owner}/{name}/repo", DownloadFile).WithName("HubDownloadFile");
        models.MapGet("/{owner}/{name}/revisions", ListRevisions).WithName("HubRevisions");
        return models;
    }

    /// <summary><c>?Revision=&amp;Recursive=true&amp;Root=</c>: every file, or only the entries directly under Root.</summary>
    internal static async Task<Results<JsonHttpResult<HubResponse<FileListData>>, ProblemHttpResult>> ListFiles(
        string owner, string name, string? revision, bool? recursive, string? root, HttpContext http, IModelCatalog catalog, CancellationToken ct)
    {
        var (model, problem) = await HubModels.FindAsync(http, catalog, owner, name, revision, ct);
        if (model is null)
        {
            return problem!;
        }

        var files = model.Files.Select(HubFile.Of);
        if (recursive != true)
        {
            files = Level(model.Files, root?.Trim('/') ?? string.Empty, model.Revision);
        }

        return HubEnvelope.Ok(http, new FileListData([.. files.OrderBy(f => f.Path, StringComparer.Ordinal)]), LibraryJson.Default.HubResponseFileListData);
    }

    /// <summary><c>?Revision=&amp;FilePath=</c>: the file's bytes; counts a download (once per user per model per day).</summary>
    internal static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> DownloadFile(
        string owner, string name, string? revision, string? filePath, HttpContext http, IModelCatalog catalog, IModelPopularity popularity, CancellationToken ct)
    {
        // A client may ask for a file at the per-file revision the list gave it (content-derived): that names the file.
        var (model, problem) = await HubModels.FindAsync(http, catalog, owner, name, revision, ct, filePath?.TrimStart('/'));
        if (model is null)
        {
            return problem!;
        }

        var file = model.Files.FirstOrDefault(f => f.Path == filePath?.TrimStart('/'));
        if (file is null || !File.Exists(file.LocalPath))
        {
            return HubEnvelope.Problem(http, StatusCodes.Status404NotFound, $"Model '{model.Id}' has no file '{filePath}'.");
        }

        await popularity.RecordDownloadAsync(model.Id, LibraryCaller.DownloadSubject(http), ct);
        return TypedResults.PhysicalFile(file.LocalPath, "application/octet-stream", HubFile.Of(file).Name,
            enableRangeProcessing: true);
    }

    internal static async Task<Results<JsonHttpResult<HubResponse<RevisionData>>, ProblemHttpResult>> ListRevisions(
        string owner, string name, HttpContext http, IModelCatalog catalog, CancellationToken ct)
    {
        var (model, problem) = await HubModels.FindAsync(http, catalog, owner, name, null, ct);
        if (model is null)
        {
            return problem!;
        }

        var created = model.CreatedAt.ToUnixTimeSeconds();
        RevisionEntry[] tags = model.Revision == ModelRevisions.Default ? [] : [new RevisionEntry(model.Revision, created, "pulled revision")];
        var map = new RevisionMap([new RevisionEntry(ModelRevisions.Default, created, "default branch")], tags);
        return HubEnvelope.Ok(http, new RevisionData(map), LibraryJson.Default.HubResponseRevisionData);
    }

    private static IEnumerable<HubFile> Level(IEnumerable<ModelFile> files, string root, string revision)
    {
        var prefix = root.Length == 0 ? string.Empty : root + "/";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var rest = file.Path[prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash < 0)
            {
                yield return HubFile.Of(file);
            }
            else if (seen.Add(rest[..slash]))
            {
                yield return HubFile.Folder(prefix + rest[..slash], revision);
            }
        }
    }
}
