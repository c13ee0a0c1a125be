namespace OpenMaas.Server.WebConsole;

/// <summary>The console's log events (2100–2199).</summary>
internal static partial class ConsoleLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "Playground call on {Model} failed after its first output")]
    public static partial void PlaygroundFailed(ILogger logger, string model, Exception exception);
}
