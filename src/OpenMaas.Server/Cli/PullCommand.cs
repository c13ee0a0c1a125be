using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Hub;
using Spectre.Console;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas model pull OWNER/NAME [--endpoint URL] [--revision REV] [--file GLOB]</c>: a shell over Core's
/// <see cref="ModelPuller"/>, with Spectre.Console progress bars on stderr.</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("OWNER/NAME") { Description = "Model ID on the hub; registered under the same ID here" };
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = $"Hub URL: ModelScope or another OpenMaaS (default: MODELSCOPE_ENDPOINT, else MODELSCOPE_DOMAIN, else {HubClient.DefaultEndpoint})",
        };
        var revision = new Option<string>("--revision") { Description = "Branch or tag", DefaultValueFactory = _ => ModelRevisions.Default };
        var file = new Option<string?>("--file") { Description = "Glob picking the GGUF to fetch, e.g. '*q4_k_m.gguf' (case-insensitive)" };
        var command = new Command("pull", "Download a model from a ModelScope-compatible hub (resumable, SHA-256 verified) and register it")
        {
            id, endpoint, revision, file,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var hub = HubClient.Create(parse.GetValue(endpoint), IdleTimeout());
            var puller = services.GetRequiredService<ModelPuller>();
            // Progress goes to stderr so stdout stays the plain report.
            var progress = new SpectrePullProgress(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));
            await Console.Error.WriteLineAsync($"Pulling {parse.GetValue(id)} ({parse.GetValue(revision)}) from {hub.Endpoint}");
            return await puller.PullAsync(hub, new ModelPuller.Request(parse.GetValue(id)!, parse.GetValue(revision)!, parse.GetValue(file)),
                progress, Console.Out, Console.Error, ct);
        });
        return command;
    }

    /// <summary><c>OPENMAAS_PULL_IDLE_SECONDS</c>: how long a download may stall before it is resumed (default 60).</summary>
    private static TimeSpan? IdleTimeout() =>
        double.TryParse(Environment.GetEnvironmentVariable("OPENMAAS_PULL_IDLE_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : null;

    /// <summary>One Spectre progress bar per file.</summary>
    private sealed class SpectrePullProgress(IAnsiConsole console) : IPullProgress
    {
        public Task RunAsync(Func<Func<RemoteFile, Action<long>>, Task> downloads) =>
            console.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(context => downloads(file =>
                {
                    var task = context.AddTask(Markup.Escape(file.Path), maxValue: Math.Max(file.Size, 1));
                    return n => task.Increment(n);
                }));
    }
}
