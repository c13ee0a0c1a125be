namespace OpenMaas.Server.Library;

/// <summary>Log events of the server's library services (event ids 1450–1499; Core's library uses 1400–1449).</summary>
internal static partial class LibraryLog
{
    [LoggerMessage(1451, LogLevel.Warning, "Re-evaluating API-Inference failed; the served set stays as it was")]
    public static partial void RefreshFailed(ILogger logger, Exception e);
}
