using Microsoft.Extensions.Logging;

namespace OpenMaas.Core.Library;

/// <summary>Log events of the model library (event ids 1400–1499), in Core (the server's library services log from OpenMaas.Server.Library.LibraryLog).</summary>
internal static partial class LibraryLog
{
    [LoggerMessage(1400, LogLevel.Information, "{ModelId} {Change} API-Inference")]
    private static partial void ApiInferenceChanged(ILogger logger, string modelId, string change);

    public static void ApiInferenceChanged(ILogger logger, string modelId, bool enabled) =>
        ApiInferenceChanged(logger, modelId, enabled ? "gained" : "lost");
}
