using Microsoft.Extensions.Logging;

namespace OpenMaas.Inference.Upstream;

/// <summary>Upstream runtime logging. Deployments are named by model and URL only: the API key is never logged.</summary>
internal static partial class UpstreamLog
{
    [LoggerMessage(4100, LogLevel.Warning, "Upstream {Model} at {Url}: {Failure} ({Message}); ejected for {EjectSeconds} s")]
    public static partial void Ejected(ILogger logger, string model, Uri url, UpstreamFailure failure, string message, double ejectSeconds);

    [LoggerMessage(4101, LogLevel.Information, "Upstream {Model} at {Url} is {State}")]
    public static partial void HealthChanged(ILogger logger, string model, Uri url, string state);

    [LoggerMessage(4102, LogLevel.Debug, "Upstream {Model}: attempt {Attempt} failed, trying another deployment")]
    public static partial void Retrying(ILogger logger, string model, int attempt, Exception error);

    [LoggerMessage(4103, LogLevel.Warning, "Upstream deployments could not be re-read")]
    public static partial void ReloadFailed(ILogger logger, Exception error);
}
