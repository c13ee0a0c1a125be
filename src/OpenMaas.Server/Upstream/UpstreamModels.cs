using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Upstream;

/// <summary>Library records of models served by upstream engines.</summary>
internal static class UpstreamModels
{
    /// <summary>The tasks an OpenAI-compatible engine serves through OpenMaaS (chat/completions and embeddings).</summary>
    public static bool Supports(string task) => ModelTasks.IsTextGeneration(task) || IsEmbedding(task);

    public static bool IsEmbedding(string task) => Inference.Upstream.UpstreamEmbeddingModel.IsEmbeddingTask(task);

    /// <summary>A library model like any other (card, likes, API-Inference policy), with format <c>upstream</c> and no
    /// local file.</summary>
    public static ModelRecord NewRecord(string id, string task, DateTimeOffset now) => new()
    {
        Id = id,
        Task = task,
        Format = ModelFormats.Upstream,
        FilePath = string.Empty,
        Servable = Supports(task),
        CreatedAt = now,
        UpdatedAt = now,
    };
}
