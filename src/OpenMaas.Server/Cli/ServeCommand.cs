using System.CommandLine;
using OpenMaas.Server.Hosting;

namespace OpenMaas.Server.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = "Address(es) to listen on (default http://127.0.0.1:8800)" };
        var command = new Command("serve", "Run the server: OpenAI-compatible API under /v1. Settings: --Section:Key=value (e.g. --Inference:Threads=4)")
        {
            urls,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var args = new List<string>();
            if (parse.GetValue(urls) is { Length: > 0 } u)
            {
                args.Add($"--Server:Urls={u}");
            }

            args.AddRange(CliOptions.Settings(parse).Select(s => $"--{s.Key}={s.Value}"));
            args.AddRange(parse.UnmatchedTokens);
            await using var app = ServerApp.Build([.. args]);
            await app.RunAsync(ct);
            return 0;
        });
        return command;
    }
}
