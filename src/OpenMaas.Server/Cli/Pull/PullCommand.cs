using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using Spectre.Console;

namespace OpenMaas.Server.Cli.Pull;

/// <summary><c>openmaas model pull OWNER/NAME [--endpoint URL] [--revision REV] [--file GLOB]</c>.</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("OWNER/NAME") { Description = "Model ID on the hub; registered under the same ID here" };
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = $"Hub URL: ModelScope or another OpenMaaS (default: MODELSCOPE_DOMAIN, else {HubClient.DefaultEndpoint})",
        };
        var revision = new Option<string>("--revision") { Description = "Branch or tag", DefaultValueFactory = _ => ModelRevisions.Default };
        var file = new Option<string?>("--file") { Description = "Glob picking the GGUF to fetch, e.g. '*q4_k_m.gguf' (case-insensitive)" };
        var command = new Command("pull", "Download a model from a ModelScope-compatible hub (resumable, SHA-256 verified) and register it")
        {
            id, endpoint, revision, file,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = CliServices.Create(parse);
            var hub = HubClient.Create(parse.GetValue(endpoint));
            var puller = ActivatorUtilities.CreateInstance<ModelPuller>(services);
            // Progress goes to stderr so stdout stays the plain report.
            var progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await Console.Error.WriteLineAsync($"Pulling {parse.GetValue(id)} ({parse.GetValue(revision)}) from {hub.Endpoint}");
            return await puller.PullAsync(hub, new ModelPuller.Request(parse.GetValue(id)!, parse.GetValue(revision)!, parse.GetValue(file)),
                progress, Console.Out, Console.Error, ct);
        });
        return command;
    }
}
