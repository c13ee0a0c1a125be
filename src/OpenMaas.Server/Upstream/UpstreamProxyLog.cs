namespace OpenMaas.Server.Upstream;

internal static partial class UpstreamProxyLog
{
    [LoggerMessage(4150, LogLevel.Debug, "Upstream stream of {Model}: the client left; the engine's request is aborted")]
    public static partial void ClientLeft(ILogger logger, string model);

    [LoggerMessage(4151, LogLevel.Warning, "Upstream stream of {Model} failed: {Message}")]
    public static partial void StreamFailed(ILogger logger, string model, string message);
}
