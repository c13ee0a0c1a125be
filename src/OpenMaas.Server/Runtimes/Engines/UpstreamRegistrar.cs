using OpenMaas.Core.Catalog;
using OpenMaas.Core.Upstream;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>Adds and removes upstream deployments: the first one of a model puts the model into the library (format
/// <c>upstream</c>); later ones add capacity.</summary>
internal sealed class UpstreamRegistrar(IModelCatalog catalog, IUpstreamStore store, TimeProvider clock)
{
    public sealed record Request(string Id, string Url, string? ApiKey, string? UpstreamModel, int Weight, string Task, ModelCardChange Card)
    {
        /// <summary>Comma-separated capabilities to declare (<see cref="ModelCapabilities"/>); null keeps what is declared.</summary>
        public string? Capabilities { get; init; }

        /// <summary>The API the engine speaks (<see cref="UpstreamApis"/>).</summary>
        public string Api { get; init; } = UpstreamApis.OpenAI;
    }

    public async Task<int> AddAsync(Request request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!ModelId.IsValid(request.Id))
        {
            await error.WriteLineAsync($"Invalid model ID '{request.Id}': expected OWNER/NAME (letters, digits, '-', '_', '.').");
            return 2;
        }

        if (UpstreamUrl.Check(request.Url) is { } urlError)
        {
            await error.WriteLineAsync($"Invalid --url: {urlError} Expected the engine's OpenAI base URL, e.g. http://HOST:PORT/v1.");
            return 2;
        }

        if (!UpstreamApis.IsKnown(request.Api))
        {
            await error.WriteLineAsync($"Invalid --api '{request.Api}': expected {UpstreamApis.OpenAI} (OpenAI's API, the default) or {UpstreamApis.Tei} (Hugging Face Text Embeddings Inference).");
            return 2;
        }

        if (request.Weight is < 1 or > 1000)
        {
            await error.WriteLineAsync("--weight must be 1..1000.");
            return 2;
        }

        if (!UpstreamModels.Supports(request.Task))
        {
            await error.WriteLineAsync($"--task {request.Task}: an upstream engine serves text-generation, chat, sentence-embedding or feature-extraction.");
            return 2;
        }

        IReadOnlyList<string>? capabilities = null;
        if (request.Capabilities is { } declared)
        {
            if (ModelCapabilities.TryParse(declared, out var parsed) is { } unknown)
            {
                await error.WriteLineAsync($"--capabilities: unknown capability '{unknown}'; expected any of {string.Join(", ", ModelCapabilities.All)}.");
                return 2;
            }

            capabilities = parsed;
        }

        var existing = await catalog.FindAsync(request.Id, ct);
        if (existing is not null && existing.Format != ModelFormats.Upstream)
        {
            await error.WriteLineAsync($"Model '{request.Id}' is in the library as a local {existing.Format} model; upstream deployments need a model of its own.");
            return 1;
        }

        var url = UpstreamUrl.Normalize(request.Url);
        var upstreamModel = string.IsNullOrWhiteSpace(request.UpstreamModel) ? request.Id : request.UpstreamModel;
        if (existing is null)
        {
            var record = UpstreamModels.NewRecord(request.Id, request.Task, clock.GetUtcNow());
            var card = request.Card;
            if (card.Readme is { } readme)
            {
                card = card with { Readme = await File.ReadAllTextAsync(readme, ct) };
            }

            card.Apply(record);
            record.Capabilities = [.. capabilities ?? []];
            await catalog.AddAsync(record, ct);
        }
        else if (capabilities is not null)
        {
            await catalog.UpdateAsync(request.Id, m => m.Capabilities = [.. capabilities], ct);
        }

        if (!await store.AddAsync(request.Id, url, upstreamModel, request.Weight, string.IsNullOrEmpty(request.ApiKey) ? null : request.ApiKey, request.Api, ct))
        {
            await error.WriteLineAsync($"Model '{request.Id}' already has a deployment at {url} for '{upstreamModel}'.");
            return 1;
        }

        var saved = await catalog.FindAsync(request.Id, ct);
        var count = (await store.ListAsync(request.Id, ct)).Count;
        await output.WriteLineAsync($"{(existing is null ? "Added" : "Updated")} {request.Id} (runtime upstream, task {request.Task})");
        await output.WriteLineAsync($"  deployment:    {url} as '{upstreamModel}', API {request.Api}, weight {request.Weight}, API key {(request.ApiKey is { Length: > 0 } ? "set (stored encrypted)" : "none")}");
        await output.WriteLineAsync($"  deployments:   {count}");
        await output.WriteLineAsync($"  capabilities:  {(saved?.Capabilities is { Count: > 0 } c ? string.Join(", ", c) : "none declared")}");
        await output.WriteLineAsync($"  API-Inference: {(saved?.ApiInference == true ? "on" : "off")} (mode {saved?.ApiInferenceMode.ToString().ToLowerInvariant()})");
        return 0;
    }
}
