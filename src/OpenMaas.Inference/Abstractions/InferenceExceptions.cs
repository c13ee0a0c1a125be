namespace OpenMaas.Inference.Abstractions;

/// <summary>The prompt (plus at least one token to generate) does not fit the model's context.</summary>
public sealed class PromptTooLongException(int promptTokens, int contextLength)
    : Exception($"The prompt has {promptTokens} tokens but the model's context holds {contextLength} tokens.")
{
    public int PromptTokens { get; } = promptTokens;

    public int ContextLength { get; } = contextLength;
}

/// <summary>Every sequence slot is busy and the wait queue is full; retry after <see cref="RetryAfter"/>.</summary>
public sealed class SchedulerFullException(string modelId, TimeSpan retryAfter)
    : Exception($"Model '{modelId}' is busy: all slots are in use and the queue is full.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The model file could not be loaded (missing, corrupt, unsupported).</summary>
public sealed class ModelLoadException(string modelId, string reason, Exception? inner = null)
    : Exception($"Model '{modelId}' could not be loaded: {reason}", inner);

/// <summary>The runtime failed while generating (a server-side error; quota refunds it when nothing was streamed).</summary>
public sealed class InferenceException(string message, Exception? inner = null) : Exception(message, inner);
