using Microsoft.Extensions.Logging;

namespace OpenMaas.Core.Library;

internal static partial class LibraryLog
{
    [LoggerMessage(1400, LogLevel.Information, "{ModelId} {Change} API-Inference")]
    private static partial void ApiInferenceChanged(ILogger logger, string modelId, string change);

    public static void ApiInferenceChanged(ILogger logger, string modelId, bool enabled) =>
        ApiInferenceChanged(logger, modelId, enabled ? "gained" : "lost");
}
