using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Onnx;

namespace OpenMaas.Server.Runtimes.Onnx;

/// <summary>
/// <c>model add</c> for ONNX models (a <c>.onnx</c> file, or a folder holding one, plus <c>vocab.txt</c> for
/// sentence embeddings and text ranking): copies (or links) the files, writes the declared config <see cref="OnnxTaskConfig.FileName"/>
/// into the model's store folder from the task's defaults and the graph's inputs and outputs, registers the model.
/// </summary>
internal sealed class OnnxModelImporter(IModelCatalog catalog, TimeProvider clock) : IModelImporter
{
    private const string Vocab = "vocab.txt";

    /// <summary>A GGUF file keeps the GGUF path whatever the task (registered, not servable); anything else of an ONNX
    /// task is an ONNX model. Decided by the content (GGUF magic), not the file name.</summary>
    public bool CanImport(ModelRegistrar.Request request) => OnnxTasks.IsSupported(request.Task) && !IsGguf(request.File.FullName);

    public async Task<int> AddAsync(ModelRegistrar registrar, ModelRegistrar.Request request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (await FindFilesAsync(request.File.FullName, request.Task, error) is not var (model, vocab))
        {
            return 2;
        }

        if (await catalog.FindAsync(request.Id, ct) is not null)
        {
            await error.WriteLineAsync($"Model '{request.Id}' already exists. Remove it first: openmaas model remove {request.Id}");
            return 1;
        }

        var folder = registrar.FolderOf(request.Id);
        var createdFolder = !Directory.Exists(folder);
        try
        {
            var weights = request.Link ? await ModelRegistrar.LinkAsync(new FileInfo(model), ct) : await registrar.CopyIntoStoreAsync(model, request.Id, Path.GetFileName(model), ct);
            List<ModelFile> files = [weights];
            if (vocab is not null)
            {
                files.Add(request.Link ? await ModelRegistrar.LinkAsync(new FileInfo(vocab), ct) : await registrar.CopyIntoStoreAsync(vocab, request.Id, Vocab, ct));
            }

            Directory.CreateDirectory(folder);
            var configPath = Path.Combine(folder, OnnxTaskConfig.FileName);
            var config = OnnxModelInspector.CreateConfig(request.Task, weights.LocalPath, request.Link ? weights.LocalPath : weights.Path, vocab is null ? null : request.Link ? files[1].LocalPath : Vocab);
            config.Write(configPath);
            var configFile = await ModelRegistrar.LinkAsync(new FileInfo(configPath), ct);
            configFile.Path = OnnxTaskConfig.FileName;
            files.Add(configFile);

            var card = request.Card ?? new ModelCardChange();
            if (card.Readme is { } readme)
            {
                files.Add(await registrar.CopyIntoStoreAsync(readme, request.Id, ModelRegistrar.ReadmeName, ct));
                card = card with { Readme = await File.ReadAllTextAsync(readme, ct) };
            }

            var record = BuildRecord(request, config, configPath, files, card);
            if (!await catalog.AddAsync(record, ct))
            {
                await error.WriteLineAsync($"Model '{request.Id}' already exists. Remove it first: openmaas model remove {request.Id}");
                return 1;
            }

            var saved = await catalog.FindAsync(record.Id, ct) ?? record;
            await output.WriteLineAsync($"Added {record.Id}");
            await output.WriteLineAsync($"  file:         {weights.LocalPath}{(request.Link ? " (linked)" : string.Empty)}");
            await output.WriteLineAsync($"  sha256:       {weights.Sha256}");
            await output.WriteLineAsync($"  task:         {record.Task} ({record.Domain}), format onnx");
            await output.WriteLineAsync($"  inputs:       {string.Join(", ", config.Inputs.Select(Describe))}");
            await output.WriteLineAsync($"  outputs:      {string.Join(", ", config.Outputs.Select(Describe))}");
            await output.WriteLineAsync($"  config:       {configPath} (task defaults + the graph; edit to override)");
            await output.WriteLineAsync($"  API-Inference: {(saved.ApiInference ? "on" : "off")} (mode {saved.ApiInferenceMode.ToString().ToLowerInvariant()})");
            return 0;
        }
        catch (InvalidDataException e)
        {
            await error.WriteLineAsync($"Cannot add {request.File.FullName} as {request.Task}: {e.Message}");
            if (createdFolder && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            return 2;
        }
    }

    private ModelRecord BuildRecord(ModelRegistrar.Request request, OnnxTaskConfig config, string configPath, List<ModelFile> files, ModelCardChange card)
    {
        var now = clock.GetUtcNow();
        var record = new ModelRecord
        {
            Id = request.Id,
            Task = request.Task,
            Format = OnnxTasks.Format,
            FilePath = configPath,
            Linked = request.Link,
            SizeBytes = files[0].Size,
            Architecture = "onnx",
            ContextLength = config.Embedding?.MaxTokens ?? config.Ranking?.MaxTokens,
            Files = files,
            Servable = true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        card.Apply(record);
        return record;
    }

    /// <summary>True for a file that starts with the GGUF magic.</summary>
    public static bool IsGguf(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("GGUF"u8);
    }

    private static string Describe(TensorSpec spec) => $"{spec.Name} {spec.ElementType}[{string.Join(",", spec.Shape)}]";

    // A file, or a folder with exactly one .onnx file; a sentence encoder also needs vocab.txt beside it.
    private static async Task<(string Model, string? Vocab)?> FindFilesAsync(string path, string task, TextWriter error)
    {
        string model;
        if (Directory.Exists(path))
        {
            var candidates = Directory.GetFiles(path, "*.onnx", SearchOption.TopDirectoryOnly);
            if (candidates.Length != 1)
            {
                await error.WriteLineAsync($"{path} holds {candidates.Length} .onnx files; name the one to add.");
                return null;
            }

            model = candidates[0];
        }
        else if (File.Exists(path))
        {
            model = path;
        }
        else
        {
            await error.WriteLineAsync($"No such file or folder: {path}");
            return null;
        }

        if (!OnnxTasks.NeedsVocabulary(task))
        {
            return (model, null);
        }

        var vocab = Path.Combine(Path.GetDirectoryName(model)!, Vocab);
        if (!File.Exists(vocab))
        {
            await error.WriteLineAsync($"A {task} model needs its WordPiece vocabulary: {vocab} does not exist.");
            return null;
        }

        return (model, vocab);
    }
}
