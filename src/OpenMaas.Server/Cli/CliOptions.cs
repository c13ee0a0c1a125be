using System.CommandLine;

namespace OpenMaas.Server.Cli;

/// <summary>Options every verb shares.</summary>
internal static class CliOptions
{
    /// <summary><c>--data DIR</c>: the data folder shared by the CLI and a running server.</summary>
    public static readonly Option<string> Data = new("--data")
    {
        Description = "Data folder shared by the CLI and the server (env OPENMAAS_DATA, default ./data)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OPENMAAS_DATA") is { Length: > 0 } d ? d : "data",
    };
}
