using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas model add|list|remove</c>.</summary>
internal static class ModelCommands
{
    public static Command Create() => new("model", "Manage the models in the library")
    {
        Add(),
        List(),
        Remove(),
        UpstreamCommands.Add(),
        UpstreamCommands.Remove(),
        ModelSetCommand.Create(),
        PullCommand.Create(),
    };

    private static Command Add()
    {
        var path = new Argument<FileInfo>("PATH") { Description = "The model file (GGUF), or an ONNX file or folder (with --task sentence-embedding, image-classification, face-detection or voice-activity-detection)" };
        var id = new Option<string>("--id") { Description = "Model ID, OWNER/NAME", Required = true };
        var task = new Option<string>("--task") { Description = "ModelScope task name", DefaultValueFactory = _ => ModelTasks.TextGeneration };
        var link = new Option<bool>("--link") { Description = "Leave the file in place instead of copying it into the store" };
        var card = new ModelCardOptions();
        var command = new Command("add", "Register a model file under a ModelScope-style ID") { path, id, task, link };
        card.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var change = card.Read(parse);
            if (await ModelCardOptions.CheckPrivateAsync(services, parse.GetValue(id)!, change, ct) is { } refused)
            {
                return refused;
            }

            var registrar = services.GetRequiredService<ModelRegistrar>();
            var request = new ModelRegistrar.Request(parse.GetValue(path)!, parse.GetValue(id)!, parse.GetValue(task)!, parse.GetValue(link), change);
            return await registrar.AddAsync(request, Console.Out, Console.Error, ct);
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the registered models");
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            await services.GetRequiredService<Runtimes.Onnx.BuiltInModels>().EnsureAsync(ct);
            var models = await services.GetRequiredService<IModelCatalog>().ListAsync(ct);
            if (models.Count == 0)
            {
                await Console.Error.WriteLineAsync("No models. Add one with: openmaas model add PATH --id OWNER/NAME");
                return 0;
            }

            Console.WriteLine($"{"ID",-40} {"TASK",-24} {"FORMAT",-6} {"ARCH",-10} {"PARAMS",12} {"CTX",7} {"SIZE",12} {"LIKES",6} {"DLS",6} API");
            foreach (var m in models)
            {
                var api = (m.ApiInference ? "on" : "off") + (m.ApiInferenceMode == ApiInferenceMode.Auto ? string.Empty : " (pinned)");
                Console.WriteLine($"{m.Id,-40} {m.Task,-24} {m.Format,-6} {m.Architecture ?? "-",-10} {m.ParameterCount?.ToString("N0") ?? "-",12} {m.ContextLength?.ToString() ?? "-",7} {m.SizeBytes,12:N0} {m.Likes,6} {m.Downloads,6} {api}");
            }

            await UpstreamCommands.PrintDeploymentsAsync(services, ct);

            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("OWNER/NAME") { Description = "Model ID" };
        var command = new Command("remove", "Remove a model (and its copied file)") { id };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var removed = await services.GetRequiredService<ModelRegistrar>().RemoveAsync(parse.GetValue(id)!, ct);
            if (removed is null)
            {
                await Console.Error.WriteLineAsync($"No model '{parse.GetValue(id)}'.");
                return 1;
            }

            await Console.Error.WriteLineAsync($"Removed {removed.Id}.");
            return 0;
        });
        return command;
    }
}
