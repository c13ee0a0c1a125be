namespace OpenMaas.Core.Catalog;

/// <summary>ModelScope task ("pipeline") names.</summary>
public static class ModelTasks
{
    public const string TextGeneration = "text-generation";
    public const string Chat = "chat";

    /// <summary>The tasks the GGUF (llama.cpp) runtime serves.</summary>
    public static bool IsTextGeneration(string task) => task is TextGeneration or Chat;
}

/// <summary>ModelScope's library domains, derived from the task.</summary>
public static class ModelDomains
{
    public const string Nlp = "NLP";
    public const string Cv = "CV";
    public const string Audio = "Audio";
    public const string Multimodal = "Multimodal";
    public const string Other = "Other";

    private static readonly Dictionary<string, string[]> TasksByDomain = new(StringComparer.Ordinal)
    {
        [Nlp] =
        [
            "text-generation", "chat", "sentence-embedding", "text-classification", "token-classification",
            "named-entity-recognition", "translation", "summarization", "fill-mask", "question-answering",
            "sentence-similarity", "zero-shot-classification", "text-ranking", "feature-extraction",
        ],
        [Cv] =
        [
            "image-classification", "face-detection", "object-detection", "image-segmentation", "ocr-recognition",
            "ocr-detection", "image-to-image", "text-to-image-synthesis", "video-classification", "face-recognition",
        ],
        [Audio] =
        [
            "voice-activity-detection", "text-to-speech", "auto-speech-recognition", "speaker-verification",
            "acoustic-noise-suppression", "keyword-spotting", "punctuation",
        ],
        [Multimodal] =
        [
            "image-captioning", "visual-question-answering", "multi-modal-embedding", "image-text-retrieval",
            "multimodal-dialogue", "video-question-answering",
        ],
    };

    private static readonly Dictionary<string, string> DomainByTask =
        TasksByDomain.SelectMany(d => d.Value.Select(t => (Task: t, Domain: d.Key))).ToDictionary(x => x.Task, x => x.Domain, StringComparer.Ordinal);

    public static IReadOnlyList<string> All { get; } = [Nlp, Cv, Audio, Multimodal, Other];

    public static string Of(string task) => DomainByTask.GetValueOrDefault(task, Other);

    /// <summary>The canonical spelling of a domain name given in any case; null when unknown.</summary>
    public static string? Normalize(string domain) => All.FirstOrDefault(d => string.Equals(d, domain, StringComparison.OrdinalIgnoreCase));

    /// <summary>The tasks of a known domain (empty for <see cref="Other"/>, which is every task not listed).</summary>
    public static IReadOnlyCollection<string> TasksOf(string domain) => TasksByDomain.TryGetValue(domain, out var tasks) ? tasks : [];

    public static IReadOnlyCollection<string> KnownTasks => DomainByTask.Keys;
}
