using Microsoft.Extensions.FileSystemGlobbing;
using OpenMaas.Core.Catalog;

namespace OpenMaas.Core.Hub;

/// <summary>Shows a pull's progress: <see cref="RunAsync"/> wraps the downloads; the callback it passes gives, for each
/// file, the action that advances that file's progress by a number of bytes.</summary>
public interface IPullProgress
{
    /// <summary>Runs <paramref name="downloads"/>, giving it a way to track each file.</summary>
    Task RunAsync(Func<Func<RemoteFile, Action<long>>, Task> downloads);
}

/// <summary>No progress display.</summary>
public sealed class NoPullProgress : IPullProgress
{
    /// <summary>The one instance.</summary>
    public static readonly NoPullProgress Instance = new();

    /// <inheritdoc/>
    public Task RunAsync(Func<Func<RemoteFile, Action<long>>, Task> downloads) => downloads(_ => _ => { });
}

/// <summary>Pulls a model from a ModelScope-compatible hub (a domain service in Core, behind the CLI's
/// <c>model pull</c>): picks the repository's files, downloads them into the store with resume and SHA-256
/// verification, then registers the model. Nothing is registered unless every file verified.</summary>
public sealed class ModelPuller(IModelCatalog catalog, ModelRegistrar registrar)
{
    /// <summary>Files the SDK's repositories carry for git; left out unless <c>--file</c> asks for them.</summary>
    private static readonly HashSet<string> GitFiles = new(StringComparer.OrdinalIgnoreCase) { ".gitattributes", ".gitignore" };

    /// <param name="Id">The Model ID on the hub, also used here.</param>
    /// <param name="Revision">The branch or tag fetched, and recorded as the model's revision.</param>
    /// <param name="FileGlob">Picks the GGUF when the repository holds several.</param>
    public sealed record Request(string Id, string Revision, string? FileGlob);

    /// <summary>Pulls and registers; reports to the writers; returns 0, 1 (hub or conflict) or 2 (bad request).</summary>
    public async Task<int> PullAsync(HubClient hub, Request request, IPullProgress progress, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!ModelId.IsValid(request.Id))
        {
            await error.WriteLineAsync($"Invalid model ID '{request.Id}': expected OWNER/NAME (letters, digits, '-', '_', '.').");
            return 2;
        }

        if (await catalog.FindAsync(request.Id, ct) is not null)
        {
            await error.WriteLineAsync($"Model '{request.Id}' already exists. Remove it first: openmaas model remove {request.Id}");
            return 1;
        }

        RemoteModel model;
        IReadOnlyList<RemoteFile> files;
        try
        {
            model = await hub.GetModelAsync(request.Id, request.Revision, ct);
            files = await hub.ListFilesAsync(request.Id, request.Revision, ct);
        }
        catch (Exception e) when (e is HubException or HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"Cannot read {request.Id} from {hub.Endpoint}: {e.Message}");
            return 1;
        }

        var (selected, problem) = Select(files, request.FileGlob);
        if (problem is not null)
        {
            await error.WriteLineAsync(problem);
            return 2;
        }

        var folder = registrar.FolderOf(request.Id);
        List<ModelFile> stored;
        try
        {
            stored = await DownloadAllAsync(hub, request, selected, folder, progress, output, ct);
        }
        catch (Exception e) when (e is HubException or HttpRequestException or IOException or TimeoutException)
        {
            await error.WriteLineAsync($"Pull of {request.Id} failed: {e.Message}");
            return 1;
        }

        var weights = stored.First(f => IsGguf(f.Path));
        var readme = stored.FirstOrDefault(f => string.Equals(f.Path, ModelRegistrar.ReadmeName, StringComparison.OrdinalIgnoreCase));
        var card = new ModelCardChange
        {
            DisplayName = model.DisplayName,
            License = model.License,
            Tags = model.Tags,
            Description = model.Description,
            Readme = readme is null ? null : await File.ReadAllTextAsync(readme.LocalPath, ct),
        };
        stored.Remove(weights);
        stored.Insert(0, weights);
        // The revision these files are is the one fetched (the hub's Data.Revision describes its latest state, which
        // may have moved on from, or never have been, what was asked for).
        return await registrar.RegisterStoredAsync(new ModelRegistrar.Stored(request.Id, model.Task, weights.LocalPath, stored, request.Revision, card), output, error, ct);
    }

    /// <summary>With a glob: the files it matches (by name, or by path when it has a '/'), case-insensitively, plus the
    /// README. Without: every file but git's <c>.gitattributes</c>/<c>.gitignore</c>, as long as that is one GGUF (a
    /// repository of quantisations needs a choice).</summary>
    internal static (IReadOnlyList<RemoteFile> Files, string? Problem) Select(IReadOnlyList<RemoteFile> files, string? glob)
    {
        var ggufs = files.Where(f => IsGguf(f.Path)).ToList();
        var listing = string.Join(Environment.NewLine, ggufs.Select(f => $"  {f.Path} ({f.Size:N0} bytes)"));
        if (glob is null)
        {
            return ggufs.Count switch
            {
                0 => ([], "The repository has no GGUF file; OpenMaaS serves GGUF models."),
                1 => ([.. files.Where(f => !GitFiles.Contains(f.Path))], null),
                _ => ([], $"The repository holds {ggufs.Count} GGUF files; pick one with --file, e.g. --file '*q4_k_m.gguf':{Environment.NewLine}{listing}"),
            };
        }

        var matcher = new Matcher(StringComparison.OrdinalIgnoreCase);
        matcher.AddInclude(glob);
        var picked = files.Where(f => matcher.Match(glob.Contains('/') ? f.Path : f.Name).HasMatches).ToList();
        var pickedGguf = picked.Count(f => IsGguf(f.Path));
        if (pickedGguf != 1)
        {
            return ([], $"--file '{glob}' matches {pickedGguf} GGUF files; it must match exactly one. The repository's GGUF files:{Environment.NewLine}{listing}");
        }

        picked.AddRange(files.Where(f => string.Equals(f.Path, ModelRegistrar.ReadmeName, StringComparison.OrdinalIgnoreCase) && !picked.Contains(f)));
        return (picked, null);
    }

    private static async Task<List<ModelFile>> DownloadAllAsync(
        HubClient hub, Request request, IReadOnlyList<RemoteFile> files, string folder, IPullProgress progress, TextWriter output, CancellationToken ct)
    {
        var downloader = new FileDownloader(hub);
        var stored = new List<ModelFile>();
        var outcomes = new List<(RemoteFile File, FileDownloader.Outcome Outcome)>();
        await progress.RunAsync(async track =>
        {
            foreach (var file in files)
            {
                var advance = track(file);
                var target = Path.Combine(folder, file.Path.Replace('/', Path.DirectorySeparatorChar));
                outcomes.Add((file, await downloader.DownloadAsync(request.Id, request.Revision, file, target, advance, ct)));
            }
        });
        foreach (var (file, outcome) in outcomes)
        {
            var resumed = outcome.ResumedFrom > 0 ? $", resumed at byte {outcome.ResumedFrom:N0}" : string.Empty;
            var retried = outcome.Retries > 0 ? $", {outcome.Retries} stalled or broken connection(s) resumed" : string.Empty;
            await output.WriteLineAsync($"Verified {file.Path} ({outcome.Size:N0} bytes, sha256 {outcome.Sha256}{resumed}{retried})");
            stored.Add(new ModelFile { Path = file.Path, Size = outcome.Size, Sha256 = outcome.Sha256, LocalPath = outcome.LocalPath });
        }

        return stored;
    }

    private static bool IsGguf(string path) => path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);
}
