using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas model set OWNER/NAME [--api-inference auto|on|off] [--weight N] [card options]</c>.</summary>
internal static class ModelSetCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("OWNER/NAME") { Description = "Model ID" };
        var mode = new Option<ApiInferenceMode?>("--api-inference")
        {
            Description = "auto: served while among the most popular; on/off: pinned",
            CustomParser = r => Enum.TryParse<ApiInferenceMode>(r.Tokens[0].Value, ignoreCase: true, out var m) ? m : Fail(r),
        };
        var weight = new Option<int?>("--weight") { Description = "Units one call spends of the daily allowances (1 or more; ModelScope: 1, flagship models 2)" };
        var card = new ModelCardOptions();
        var command = new Command("set", "Change a model's card, its API-Inference mode or its call weight") { id, mode, weight };
        card.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var change = card.Read(parse) with { ApiInferenceMode = parse.GetValue(mode), Weight = parse.GetValue(weight) };
            if (change.IsEmpty)
            {
                await Console.Error.WriteLineAsync("Nothing to change: give --api-inference, --weight, --license, --tags, --description, --display-name, --readme or --private.");
                return 2;
            }

            if (change.Weight is < 1)
            {
                await Console.Error.WriteLineAsync("--weight must be 1 or more.");
                return 2;
            }

            if (change.Readme is { } readme)
            {
                if (!File.Exists(readme))
                {
                    await Console.Error.WriteLineAsync($"No such file: {readme}");
                    return 2;
                }

                change = change with { Readme = await File.ReadAllTextAsync(readme, ct) };
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            if (await ModelCardOptions.CheckPrivateAsync(services, parse.GetValue(id)!, change, ct) is { } refused)
            {
                return refused;
            }

            var model = await services.GetRequiredService<IModelCatalog>().UpdateAsync(parse.GetValue(id)!, change.Apply, ct);
            if (model is null)
            {
                await Console.Error.WriteLineAsync($"No model '{parse.GetValue(id)}'.");
                return 1;
            }

            Console.WriteLine($"Updated {model.Id}: API-Inference {(model.ApiInference ? "on" : "off")} (mode {model.ApiInferenceMode.ToString().ToLowerInvariant()}), " +
                $"weight {model.Weight}, license {model.License ?? "-"}, tags [{string.Join(", ", model.Tags)}]" + (model.Private ? ", private to " + model.Owner : string.Empty));
            return 0;
        });
        return command;
    }

    private static ApiInferenceMode? Fail(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"--api-inference must be auto, on or off, not '{result.Tokens[0].Value}'.");
        return null;
    }
}
