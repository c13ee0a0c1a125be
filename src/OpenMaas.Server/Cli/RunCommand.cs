using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Tasks;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas run OWNER/NAME --input FILE_OR_TEXT</c>: runs a model in this process (no server, no quota)
/// and prints the task's output as the task API's <c>Data</c>.</summary>
internal static class RunCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var id = new Argument<string>("OWNER/NAME") { Description = "Model ID" };
        var input = new Option<string>("--input") { Description = "A file (image, WAV) or, when no such file exists, the text", Required = true };
        var parameters = new Option<string[]>("--param") { Description = "A task parameter NAME=NUMBER (repeatable), e.g. score_threshold=0.5", AllowMultipleArgumentsPerToken = true };
        var command = new Command("run", "Run a model on one input without the server and print the task's output") { id, input, parameters };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            await services.GetRequiredService<Runtimes.Onnx.BuiltInModels>().EnsureAsync(ct);
            var modelId = parse.GetValue(id)!;
            if (await services.GetRequiredService<IModelCatalog>().FindAsync(modelId, ct) is not { } model)
            {
                await Console.Error.WriteLineAsync($"No model '{modelId}'. See: openmaas model list");
                return 1;
            }

            if (ParseParameters(parse.GetValue(parameters) ?? []) is not { } numbers)
            {
                return 2;
            }

            var text = parse.GetValue(input)!;
            var request = new TaskCallRequest
            {
                Model = modelId,
                Endpoint = new CallEndpoint("cli", "run"),
                Input = File.Exists(text) ? new TaskPayload.File(await File.ReadAllBytesAsync(text, ct)) : new TaskPayload.Text(text),
                Parameters = numbers,
            };
            try
            {
                var prepared = await services.GetRequiredService<TaskPreparer>().PrepareAsync(request, model, null, ct);
                var result = await TaskRunner.RunAsync(prepared, services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("openmaas.run"), ct);
                Console.WriteLine(result.Data.ToJsonString(Indented));
                return 0;
            }
            catch (CallException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return e.Status < 500 ? 2 : 1;
            }
        });
        return command;
    }

    private static Dictionary<string, double>? ParseParameters(string[] pairs)
    {
        var parsed = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !double.TryParse(pair[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                Console.Error.WriteLine($"--param takes NAME=NUMBER, not '{pair}'.");
                return null;
            }

            parsed[pair[..eq]] = value;
        }

        return parsed;
    }
}
