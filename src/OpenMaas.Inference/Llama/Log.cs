using Microsoft.Extensions.Logging;

namespace OpenMaas.Inference.Llama;

internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Loaded model {ModelId} from {Path} in {ElapsedMs} ms: context {ContextLength} x {Sequences} sequences, estimated {EstimatedMiB} MiB")]
    public static partial void ModelLoaded(ILogger logger, string modelId, string path, long elapsedMs, int contextLength, int sequences, long estimatedMiB);

    [LoggerMessage(1001, LogLevel.Information, "Unloading model {ModelId}: {Reason}")]
    public static partial void ModelUnloading(ILogger logger, string modelId, string reason);

    [LoggerMessage(1002, LogLevel.Warning, "Loading model {ModelId} exceeds the memory budget of {BudgetMiB} MiB: the other models are busy")]
    public static partial void OverBudget(ILogger logger, string modelId, long budgetMiB);

    [LoggerMessage(1003, LogLevel.Warning, "Model {ModelId}: llama.cpp cannot apply the GGUF chat template; using the plain fallback (contents joined by newlines)")]
    public static partial void TemplateFallback(ILogger logger, string modelId, Exception? error);

    [LoggerMessage(1004, LogLevel.Error, "Model {ModelId}: decode failed for {Sequences} sequences")]
    public static partial void DecodeFailed(ILogger logger, string modelId, int sequences, Exception error);

    [LoggerMessage(1005, LogLevel.Error, "Model {ModelId}: the decode loop stopped unexpectedly")]
    public static partial void LoopCrashed(ILogger logger, string modelId, Exception error);

    [LoggerMessage(1006, LogLevel.Warning, "Model {ModelId}: the decode thread could not be pinned to CPU {Cpu} (not one this process may use); it runs on any CPU")]
    public static partial void AffinityFailed(ILogger logger, string modelId, int cpu);

    [LoggerMessage(1010, LogLevel.Warning, "llama.cpp: {Message}")]
    public static partial void NativeWarning(ILogger logger, string message);

    [LoggerMessage(1011, LogLevel.Error, "llama.cpp: {Message}")]
    public static partial void NativeError(ILogger logger, string message);
}
