using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>Library records of models served by upstream engines.</summary>
internal static class UpstreamModels
{
    /// <summary>The tasks an OpenAI-compatible engine serves through OpenMaaS (chat/completions, embeddings, rerank, images, audio).</summary>
    public static bool Supports(string task) => ModelTasks.IsTextGeneration(task) || IsEmbedding(task) || IsTextRanking(task) || IsImageGeneration(task)
        || IsSpeechRecognition(task) || IsSpeechSynthesis(task);

    /// <summary>The tasks an engine's <c>/v1/embeddings</c> serves.</summary>
    public static bool IsEmbedding(string task) => task is "sentence-embedding" or "feature-extraction";

    /// <summary>The task an engine's <c>/rerank</c> serves (vLLM, Xinference, Infinity, another OpenMaaS).</summary>
    public static bool IsTextRanking(string task) => task is "text-ranking";

    /// <summary>The task an engine's <c>/images/generations</c> and <c>/images/edits</c> serve.</summary>
    public static bool IsImageGeneration(string task) => task is "text-to-image-synthesis";

    /// <summary>The task an engine's <c>/audio/transcriptions</c> and <c>/audio/translations</c> serve.</summary>
    public static bool IsSpeechRecognition(string task) => task is "auto-speech-recognition";

    /// <summary>The task an engine's <c>/audio/speech</c> serves.</summary>
    public static bool IsSpeechSynthesis(string task) => task is "text-to-speech";

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
