using Microsoft.Extensions.Options;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Hosting;
using OpenMaas.Inference.Llama;

namespace OpenMaas.Server.Cli;

/// <summary>Registers model files: reads their metadata, copies them into the store (or links), writes the catalog.</summary>
internal sealed class ModelRegistrar(IModelCatalog catalog, IOptions<DataOptions> data, TimeProvider clock)
{
    public sealed record Request(FileInfo File, string Id, string Task, bool Link);

    public async Task<int> AddAsync(Request request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!ModelId.IsValid(request.Id))
        {
            await error.WriteLineAsync($"Invalid model ID '{request.Id}': expected OWNER/NAME (letters, digits, '-', '_', '.').");
            return 2;
        }

        if (!request.File.Exists)
        {
            await error.WriteLineAsync($"No such file: {request.File.FullName}");
            return 2;
        }

        GgufMetadata meta;
        try
        {
            meta = GgufReader.Read(request.File.FullName);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or OverflowException)
        {
            await error.WriteLineAsync($"Cannot read {request.File.FullName} as GGUF: {e.Message}");
            return 2;
        }

        if (await catalog.FindAsync(request.Id, ct) is not null)
        {
            await error.WriteLineAsync($"Model '{request.Id}' already exists. Remove it first: openmaas model remove {request.Id}");
            return 1;
        }

        var target = request.Link ? request.File.FullName : await CopyIntoStoreAsync(request, ct);
        var now = clock.GetUtcNow();
        var record = new ModelRecord
        {
            Id = request.Id,
            Task = request.Task,
            Format = ModelFormats.Gguf,
            FilePath = target,
            Linked = request.Link,
            SizeBytes = request.File.Length,
            Architecture = meta.Architecture,
            ParameterCount = meta.ParameterCount,
            ContextLength = meta.ContextLength,
            ChatTemplate = meta.ChatTemplate,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await catalog.AddAsync(record, ct))
        {
            await error.WriteLineAsync($"Model '{request.Id}' already exists.");
            return 1;
        }

        await output.WriteLineAsync($"Added {record.Id}");
        await output.WriteLineAsync($"  file:         {target}{(request.Link ? " (linked)" : string.Empty)}");
        await output.WriteLineAsync($"  task:         {record.Task}");
        await output.WriteLineAsync($"  architecture: {meta.Architecture ?? "unknown"}");
        await output.WriteLineAsync($"  parameters:   {meta.ParameterCount:N0}");
        await output.WriteLineAsync($"  context:      {meta.ContextLength?.ToString() ?? "unknown"}");
        await output.WriteLineAsync($"  chat template: {(meta.ChatTemplate is null ? "none (raw fallback: message contents joined by newlines)" : "yes, from the GGUF")}");
        return 0;
    }

    public async Task<ModelRecord?> RemoveAsync(string id, CancellationToken ct)
    {
        var removed = await catalog.RemoveAsync(id, ct);
        if (removed is { Linked: false } && File.Exists(removed.FilePath) && removed.FilePath.StartsWith(data.Value.ModelsFolder, StringComparison.Ordinal))
        {
            File.Delete(removed.FilePath);
            var folder = Path.GetDirectoryName(removed.FilePath);
            if (folder is not null && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }

        return removed;
    }

    private async Task<string> CopyIntoStoreAsync(Request request, CancellationToken ct)
    {
        var folder = Path.Combine(data.Value.ModelsFolder, request.Id.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, request.File.Name);
        var partial = target + ".partial";
        await using (var source = request.File.OpenRead())
        await using (var destination = File.Create(partial))
        {
            await source.CopyToAsync(destination, ct);
        }

        File.Move(partial, target, overwrite: true);
        return target;
    }
}
