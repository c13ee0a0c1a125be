using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Upstream;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas model add-upstream|remove-upstream</c>, and the deployments part of <c>model list</c>.</summary>
internal static class UpstreamCommands
{
    public static Command Add()
    {
        var id = new Argument<string>("OWNER/NAME") { Description = "Model ID in the library" };
        var url = new Option<string>("--url") { Description = "The engine's OpenAI base URL, e.g. http://HOST:PORT/v1", Required = true };
        var apiKey = new Option<string?>("--api-key") { Description = "The engine's API key (\"-\" reads it from stdin); stored encrypted, never shown" };
        var upstreamModel = new Option<string?>("--upstream-model") { Description = "The model name the engine serves (default: the Model ID)" };
        var weight = new Option<int>("--weight") { Description = "Share of traffic among the model's deployments", DefaultValueFactory = _ => 1 };
        var api = new Option<string>("--api")
        {
            Description = $"The API the engine speaks: {UpstreamApis.OpenAI} (OpenAI's, the default) or {UpstreamApis.Tei} (Hugging Face Text Embeddings Inference, whose POST /rerank serves --task text-ranking)",
            DefaultValueFactory = _ => UpstreamApis.OpenAI,
        };
        var task = new Option<string>("--task") { Description = "ModelScope task name", DefaultValueFactory = _ => ModelTasks.TextGeneration };
        var capabilities = new Option<string?>("--capabilities")
        {
            Description = "What the engine's model takes beyond text, shown in /v1/models: a comma-separated list of " + string.Join(", ", ModelCapabilities.All),
        };
        var card = new ModelCardOptions();
        var command = new Command("add-upstream", "Serve a model from an OpenAI-compatible engine (vLLM, SGLang, llama-server, Ollama, another OpenMaaS); repeat for more deployments")
        {
            id, url, apiKey, upstreamModel, weight, api, task, capabilities,
        };
        card.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var key = parse.GetValue(apiKey);
            if (key == "-")
            {
                key = (await Console.In.ReadLineAsync(ct))?.Trim();
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            var change = card.Read(parse);
            if (await ModelCardOptions.CheckPrivateAsync(services, parse.GetValue(id)!, change, ct) is { } refused)
            {
                return refused;
            }

            var request = new UpstreamRegistrar.Request(parse.GetValue(id)!, parse.GetValue(url)!, key, parse.GetValue(upstreamModel),
                parse.GetValue(weight), parse.GetValue(task)!, change) { Capabilities = parse.GetValue(capabilities), Api = parse.GetValue(api)! };
            return await services.GetRequiredService<UpstreamRegistrar>().AddAsync(request, Console.Out, Console.Error, ct);
        });
        return command;
    }

    public static Command Remove()
    {
        var id = new Argument<string>("OWNER/NAME") { Description = "Model ID" };
        var url = new Option<string?>("--url") { Description = "Remove only the deployment at this URL (default: all of the model's)" };
        var command = new Command("remove-upstream", "Remove upstream deployments of a model (the model stays in the library)") { id, url };
        command.SetAction(async (parse, ct) =>
        {
            var at = parse.GetValue(url);
            if (at is not null && UpstreamUrl.Check(at) is { } error)
            {
                await Console.Error.WriteLineAsync($"Invalid --url: {error}");
                return 2;
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            var removed = await services.GetRequiredService<IUpstreamStore>().RemoveAsync(parse.GetValue(id)!, at is null ? null : UpstreamUrl.Normalize(at), ct);
            await Console.Error.WriteLineAsync($"Removed {removed} deployment(s) of {parse.GetValue(id)}.");
            return removed > 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>Lists every deployment under the models table, each with its API and probed now (<c>GET {url}/models</c>, TEI's <c>/health</c>; 2 s).</summary>
    public static async Task PrintDeploymentsAsync(IServiceProvider services, CancellationToken ct)
    {
        var targets = await services.GetRequiredService<IUpstreamStore>().ListAsync(null, ct);
        if (targets.Count == 0)
        {
            return;
        }

        using var http = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) });
        var health = await Task.WhenAll(targets.Select(t => UpstreamProbe.RunAsync(http, StoredUpstreamSource.ToTarget(t), TimeSpan.FromSeconds(2), ct)));
        Console.WriteLine();
        Console.WriteLine($"{"UPSTREAM OF",-40} {"URL",-36} {"UPSTREAM MODEL",-28} {"API",-6} {"WEIGHT",6} {"KEY",4} HEALTH");
        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            Console.WriteLine($"{t.ModelId,-40} {t.BaseUrl,-36} {t.UpstreamModel,-28} {t.Api,-6} {t.Weight,6} {(t.ApiKey is null ? "-" : "set"),4} {(health[i] ? "healthy" : "down")}");
        }
    }
}
