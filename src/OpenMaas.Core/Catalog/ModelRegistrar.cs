using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;
using OpenMaas.Core.Upstream;

namespace OpenMaas.Core.Catalog;

/// <summary>Registers model files (a domain service used alike by the CLI, the server and the tests): reads their
/// metadata through the format's <see cref="IModelFileInspector"/>, copies them into the store (or links) while hashing
/// them, writes the catalog. Reports to the given writers; the result is an exit status (0 ok, 1 conflict, 2 bad input).</summary>
public sealed class ModelRegistrar(
    IModelCatalog catalog, IModelFileInspector inspector, IEnumerable<IModelImporter> importers, IUpstreamStore upstreams, IOptions<DataOptions> data, TimeProvider clock)
{
    private readonly IModelImporter[] _importers = [.. importers];

    public const string ReadmeName = "README.md";

    /// <param name="File">The weights file.</param>
    /// <param name="Id">The Model ID to register it under.</param>
    /// <param name="Task">The ModelScope task.</param>
    /// <param name="Link">Leave the file in place instead of copying it into the store.</param>
    /// <param name="Card">Card fields; its Readme is a path to a Markdown file here.</param>
    public sealed record Request(FileInfo File, string Id, string Task, bool Link, ModelCardChange? Card = null);

    /// <summary>Files already in the model's store folder (a pull), with their verified hashes.</summary>
    public sealed record Stored(string Id, string Task, string WeightsPath, IReadOnlyList<ModelFile> Files, string Revision, ModelCardChange Card);

    public string FolderOf(string id) => Path.Combine(data.Value.ModelsFolder, id.Replace('/', Path.DirectorySeparatorChar));

    public async Task<int> AddAsync(Request request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!ModelId.IsValid(request.Id))
        {
            await error.WriteLineAsync($"Invalid model ID '{request.Id}': expected OWNER/NAME (letters, digits, '-', '_', '.').");
            return 2;
        }

        // Another format's importer (e.g. ONNX task models) takes the request when it recognises it by task and content.
        if (Array.Find(_importers, i => i.CanImport(request)) is { } importer)
        {
            return await importer.AddAsync(this, request, output, error, ct);
        }

        if (!request.File.Exists)
        {
            await error.WriteLineAsync($"No such file: {request.File.FullName}");
            return 2;
        }

        if (request.Card?.Readme is { } readmePath && !File.Exists(readmePath))
        {
            await error.WriteLineAsync($"No such file: {Path.GetFullPath(readmePath)}");
            return 2;
        }

        if (await ReadGgufAsync(request.File.FullName, error) is not { } meta)
        {
            return 2;
        }

        if (await catalog.FindAsync(request.Id, ct) is not null)
        {
            await error.WriteLineAsync($"Model '{request.Id}' already exists. Remove it first: openmaas model remove {request.Id}");
            return 1;
        }

        var weights = request.Link ? await LinkAsync(request.File, ct) : await CopyIntoStoreAsync(request.File.FullName, request.Id, request.File.Name, ct);
        List<ModelFile> files = [weights];
        var card = request.Card ?? new ModelCardChange();
        if (card.Readme is { } readme)
        {
            files.Add(await CopyIntoStoreAsync(readme, request.Id, ReadmeName, ct));
            card = card with { Readme = await File.ReadAllTextAsync(readme, ct) };
        }

        var record = BuildRecord(request.Id, request.Task, meta, files, ModelRevisions.Default, card);
        record.Linked = request.Link;
        return await SaveAsync(record, meta, output, error, ct);
    }

    public async Task<int> RegisterStoredAsync(Stored stored, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (await ReadGgufAsync(stored.WeightsPath, error) is not { } meta)
        {
            return 2;
        }

        var record = BuildRecord(stored.Id, stored.Task, meta, [.. stored.Files], stored.Revision, stored.Card);
        record.FilePath = stored.WeightsPath;
        return await SaveAsync(record, meta, output, error, ct);
    }

    public async Task<ModelRecord?> RemoveAsync(string id, CancellationToken ct)
    {
        var removed = await catalog.RemoveAsync(id, ct);
        if (removed is null)
        {
            return null;
        }

        await upstreams.RemoveAsync(id, null, ct);

        // Only what lives in the store is ours to delete; a linked file stays where it is.
        var folder = FolderOf(id);
        foreach (var file in removed.Files.Select(f => f.LocalPath).Append(removed.FilePath).Distinct(StringComparer.Ordinal))
        {
            if (file.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(file))
            {
                File.Delete(file);
            }
        }

        if (Directory.Exists(folder) && !Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any())
        {
            Directory.Delete(folder, recursive: true);
        }

        return removed;
    }

    private ModelRecord BuildRecord(string id, string task, ModelFileFacts meta, List<ModelFile> files, string revision, ModelCardChange card)
    {
        var now = clock.GetUtcNow();
        var weights = files[0];
        var record = new ModelRecord
        {
            Id = id,
            Task = task,
            Format = inspector.Format,
            FilePath = weights.LocalPath,
            SizeBytes = weights.Size,
            Architecture = meta.Architecture,
            ParameterCount = meta.ParameterCount,
            ContextLength = meta.ContextLength,
            ChatTemplate = meta.ChatTemplate,
            Files = files,
            Revision = revision,
            Servable = ModelTasks.IsTextGeneration(task),
            CreatedAt = now,
            UpdatedAt = now,
        };
        card.Apply(record);
        return record;
    }

    private async Task<int> SaveAsync(ModelRecord record, ModelFileFacts meta, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!await catalog.AddAsync(record, ct))
        {
            await error.WriteLineAsync($"Model '{record.Id}' already exists. Remove it first: openmaas model remove {record.Id}");
            return 1;
        }

        var saved = await catalog.FindAsync(record.Id, ct) ?? record;
        await output.WriteLineAsync($"Added {record.Id}");
        await output.WriteLineAsync($"  file:         {record.FilePath}{(record.Linked ? " (linked)" : string.Empty)}");
        await output.WriteLineAsync($"  sha256:       {record.Files[0].Sha256}");
        await output.WriteLineAsync($"  task:         {record.Task} ({record.Domain})");
        await output.WriteLineAsync($"  architecture: {meta.Architecture ?? "unknown"}");
        await output.WriteLineAsync($"  parameters:   {meta.ParameterCount:N0}");
        await output.WriteLineAsync($"  context:      {meta.ContextLength?.ToString() ?? "unknown"}");
        await output.WriteLineAsync($"  chat template: {(meta.ChatTemplate is null ? "none (raw fallback: message contents joined by newlines)" : "yes, from the GGUF")}");
        await output.WriteLineAsync($"  API-Inference: {(saved.ApiInference ? "on" : "off")} (mode {saved.ApiInferenceMode.ToString().ToLowerInvariant()})");
        return 0;
    }

    private async Task<ModelFileFacts?> ReadGgufAsync(string path, TextWriter error)
    {
        try
        {
            return inspector.Inspect(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            await error.WriteLineAsync($"Cannot read {path} as {inspector.Format.ToUpperInvariant()}: {e.Message}");
            return null;
        }
    }

    /// <summary>A file left in place, hashed.</summary>
    public static async Task<ModelFile> LinkAsync(FileInfo file, CancellationToken ct) => new()
    {
        Path = file.Name,
        Size = file.Length,
        Sha256 = await FileHashing.Sha256Async(file.FullName, ct),
        LocalPath = file.FullName,
    };

    /// <summary>Copies a file into the model's store folder under <paramref name="name"/>, hashing it on the way.</summary>
    public async Task<ModelFile> CopyIntoStoreAsync(string source, string id, string name, CancellationToken ct)
    {
        var folder = FolderOf(id);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, name);
        var partial = target + ".partial";
        string sha;
        await using (var input = File.OpenRead(source))
        await using (var output = File.Create(partial))
        {
            sha = await FileHashing.CopyAndHashAsync(input, output, ct);
        }

        File.Move(partial, target, overwrite: true);
        return new ModelFile { Path = name, Size = new FileInfo(target).Length, Sha256 = sha, LocalPath = target };
    }
}
