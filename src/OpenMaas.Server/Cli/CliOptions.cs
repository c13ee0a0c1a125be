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

    /// <summary><c>--database CS</c>: <c>ConnectionStrings:Default</c> (PostgreSQL <c>Host=…</c>; default SQLite in the data folder).</summary>
    public static readonly Option<string?> Database = new("--database")
    {
        Description = "Database connection string: PostgreSQL (Host=…;Database=…) or SQLite (Data Source=…); default the data folder's SQLite (env ConnectionStrings__Default)",
        Recursive = true,
    };

    /// <summary><c>--redis CONF</c>: <c>Redis:Configuration</c> (quota counters and change notices shared by every node).</summary>
    public static readonly Option<string?> Redis = new("--redis")
    {
        Description = "Redis for quota counters and change notices across nodes, e.g. 127.0.0.1:6379 (env Redis__Configuration)",
        Recursive = true,
    };

    /// <summary>The settings these options stand for, as <c>Key=Value</c> overrides.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings(ParseResult parse)
    {
        yield return new("Data:Path", parse.GetValue(Data));
        if (parse.GetValue(Database) is { Length: > 0 } database)
        {
            yield return new("ConnectionStrings:Default", database);
        }

        if (parse.GetValue(Redis) is { Length: > 0 } redis)
        {
            yield return new("Redis:Configuration", redis);
        }
    }
}
