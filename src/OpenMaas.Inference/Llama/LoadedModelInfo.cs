namespace OpenMaas.Inference.Llama;

/// <summary>A model held in memory by the llama runtime (for logs and metrics).</summary>
public sealed record LoadedModelInfo(
    string Id,
    string FilePath,
    DateTimeOffset Version,
    long EstimatedBytes,
    int ActiveSequences,
    int QueuedSequences,
    DateTimeOffset LastUsed,
    long GeneratedTokens);
