namespace OpenMaas.Server.Hosting;

/// <summary>Log events of the host (event ids 1300–1399).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(1300, LogLevel.Information, "OpenMaaS listening on {Address} (OpenAI-compatible API at {V1})")]
    public static partial void Listening(ILogger logger, string address, string v1);

    [LoggerMessage(1301, LogLevel.Information, "Data folder {Path}: {Count} model(s)")]
    public static partial void DataFolder(ILogger logger, string path, int count);

    [LoggerMessage(1302, LogLevel.Information, "  model {Id} ({Task}, {Format})")]
    public static partial void Model(ILogger logger, string id, string task, string format);

    [LoggerMessage(1303, LogLevel.Information, "No models yet: add one with ./openmaas model add PATH --id OWNER/NAME")]
    public static partial void NoModels(ILogger logger);

    [LoggerMessage(1304, LogLevel.Information, "OpenMaaS stopping")]
    public static partial void Stopping(ILogger logger);
}
