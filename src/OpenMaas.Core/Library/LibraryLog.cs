using Microsoft.Extensions.Logging;

namespace OpenMaas.Core.Library;

internal static partial class LibraryLog
{
    [LoggerMessage(1400, LogLevel.Information, "API-Inference for {ModelId} is now {Enabled}")]
    public static partial void ApiInferenceChanged(ILogger logger, string modelId, bool enabled);
}
