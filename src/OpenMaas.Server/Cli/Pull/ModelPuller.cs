using Microsoft.Extensions.FileSystemGlobbing;
using OpenMaas.Core.Catalog;
using Spectre.Console;

namespace OpenMaas.Server.Cli.Pull;

/// <summary><c>model pull</c>: picks the repository's files, downloads them into the store with progress, resume and
/// SHA-256 verification, then registers the model. Nothing is registered unless every file verified.</summary>
internal sealed class ModelPuller(IModelCatalog catalog, ModelRegistrar registrar)
{
    public sealed record Request(string Id, string Revision, string? FileGlob);

    public async Task<int> PullAsync(HubClient hub, Request request, IAnsiConsole progress, TextWriter output, TextWriter error, CancellationToken ct)
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
        catch (Exception e) when (e is HubException or HttpRequestException or IOException)
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
        var revision = request.Revision == ModelRevisions.Default ? model.Revision ?? ModelRevisions.Default : request.Revision;
        return await registrar.RegisterStoredAsync(new ModelRegistrar.Stored(request.Id, model.Task, weights.LocalPath, stored, revision, card), output, error, ct);
    }

    /// <summary>With a glob: the files it matches (by name, or by path when it has a '/'), case-insensitively, plus the
    /// README. Without: every file, as long as that is one GGUF (a repository of quantisations needs a choice).</summary>
    internal static (IReadOnlyList<RemoteFile> Files, string? Problem) Select(IReadOnlyList<RemoteFile> files, string? glob)
    {
        var ggufs = files.Where(f => IsGguf(f.Path)).ToList();
        var listing = string.Join(Environment.NewLine, ggufs.Select(f => $"  {f.Path} ({f.Size:N0} bytes)"));
        if (glob is null)
        {
            return ggufs.Count switch
            {
                0 => ([], "The repository has no GGUF file; OpenMaaS serves GGUF models."),
                1 => (files, null),
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
        HubClient hub, Request request, IReadOnlyList<RemoteFile> files, string folder, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        var downloader = new FileDownloader(hub);
        var stored = new List<ModelFile>();
        var outcomes = new List<(RemoteFile File, FileDownloader.Outcome Outcome)>();
        await console.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                foreach (var file in files)
                {
                    var task = context.AddTask(Markup.Escape(file.Path), maxValue: Math.Max(file.Size, 1));
                    var target = Path.Combine(folder, file.Path.Replace('/', Path.DirectorySeparatorChar));
                    var outcome = await downloader.DownloadAsync(request.Id, request.Revision, file, target, n => task.Increment(n), ct);
                    task.Value = task.MaxValue;
                    outcomes.Add((file, outcome));
                }
            });
        foreach (var (file, outcome) in outcomes)
        {
            var resumed = outcome.ResumedFrom > 0 ? $", resumed at byte {outcome.ResumedFrom:N0}" : string.Empty;
            await output.WriteLineAsync($"Verified {file.Path} ({outcome.Size:N0} bytes, sha256 {outcome.Sha256}{resumed})");
            stored.Add(new ModelFile { Path = file.Path, Size = outcome.Size, Sha256 = outcome.Sha256, LocalPath = outcome.LocalPath });
        }

        return stored;
    }

    private static bool IsGguf(string path) => path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);
}
