namespace OpenMaas.Server.Operations;

/// <summary>Log messages of health, readiness and shutdown: event ids 5101–5199.</summary>
internal static partial class OperationsLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Draining: new calls get 503, /readyz 503 for {Delay} s, running calls get up to {Timeout} s")]
    public static partial void Draining(ILogger logger, int delay, int timeout);
}
