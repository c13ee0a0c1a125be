namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>Log events of the server's upstream engines (event ids 4150–4199).</summary>
internal static partial class UpstreamProxyLog
{
    [LoggerMessage(4150, LogLevel.Debug, "Upstream stream of {Model}: the client left; the engine's request is aborted")]
    public static partial void ClientLeft(ILogger logger, string model);

    [LoggerMessage(4151, LogLevel.Warning, "Upstream stream of {Model} failed: {Message}")]
    public static partial void StreamFailed(ILogger logger, string model, string message);

    [LoggerMessage(4160, LogLevel.Information, "Upstream model {Model} added to the library from configuration")]
    public static partial void ConfiguredAdded(ILogger logger, string model);

    [LoggerMessage(4161, LogLevel.Warning, "Upstreams:Models:{Model} is in the library as a {Format} model; its deployments are not served")]
    public static partial void ConfiguredConflict(ILogger logger, string model, string format);

    [LoggerMessage(4162, LogLevel.Error, "Upstreams:Models:{Model} (task {Task}) is not a valid model ID or task for an upstream engine; skipped")]
    public static partial void ConfiguredInvalid(ILogger logger, string model, string task);

    [LoggerMessage(4163, LogLevel.Error, "Upstreams:Models:{Model}:Capabilities names '{Capability}', which is not a capability (tools, vision, audio, reasoning, structured_output); capabilities left as they were")]
    public static partial void ConfiguredCapabilityUnknown(ILogger logger, string model, string capability);
}
