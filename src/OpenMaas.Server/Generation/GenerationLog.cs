namespace OpenMaas.Server.Generation;

internal static partial class GenerationLog
{
    [LoggerMessage(1001, LogLevel.Debug, "Client left stream {CompletionId}")]
    public static partial void ClientLeft(ILogger logger, string completionId);

    [LoggerMessage(1002, LogLevel.Error, "Stream {CompletionId} failed after its first byte")]
    public static partial void StreamFailed(ILogger logger, string completionId, Exception e);

    [LoggerMessage(1003, LogLevel.Error, "Model {ModelId} could not be loaded")]
    public static partial void LoadFailed(ILogger logger, string modelId, Exception e);
}
