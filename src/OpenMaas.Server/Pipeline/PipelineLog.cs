namespace OpenMaas.Server.Pipeline;

/// <summary>Log events of the call pipeline and its surfaces' writers (event ids 1100–1199).</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(1100, LogLevel.Error, "Unhandled error on {Path}")]
    public static partial void Unhandled(ILogger logger, PathString path, Exception e);

    [LoggerMessage(1101, LogLevel.Debug, "Client left a stream of {ModelId}")]
    public static partial void ClientLeft(ILogger logger, string modelId);

    [LoggerMessage(1102, LogLevel.Error, "A stream of {ModelId} failed after its first byte")]
    public static partial void StreamFailed(ILogger logger, string modelId, Exception e);

    [LoggerMessage(1103, LogLevel.Error, "Model {ModelId} could not be loaded")]
    public static partial void LoadFailed(ILogger logger, string modelId, Exception e);

    [LoggerMessage(1104, LogLevel.Debug, "Quota: call of user {UserId} to {Model} refused: {Verdict}")]
    public static partial void QuotaRejected(ILogger logger, long userId, string model, OpenMaas.Core.Quota.QuotaVerdict verdict);

    [LoggerMessage(1105, LogLevel.Warning, "Call on {Path} refused with 503: {Store} unavailable ({Error}: {Message})")]
    public static partial void StoreUnavailable(ILogger logger, PathString path, string store, string error, string message);
}
