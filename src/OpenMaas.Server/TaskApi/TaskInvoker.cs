using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.TaskApi;

/// <summary>Runs a task call on the runtime that serves the model's format and task: vision and audio tasks,
/// sentence embeddings and text generation. Shared by the task API and <c>openmaas run</c>.</summary>
internal sealed class TaskInvoker(IEnumerable<ITaskRuntime> tasks, IEnumerable<IEmbeddingRuntime> embeddings, IEnumerable<ITextGenerationRuntime> generators)
{
    private const int DefaultMaxTokens = 128;

    public static ModelDescriptor DescriptorOf(ModelRecord model) =>
        new(model.Id, model.FilePath, model.Format, model.CreatedAt) { Task = model.Task };

    public async Task<TaskResult> InvokeAsync(ModelRecord model, TaskRequest request, CancellationToken ct)
    {
        var descriptor = DescriptorOf(model);
        if (tasks.FirstOrDefault(r => r.CanServe(descriptor)) is { } taskRuntime)
        {
            var data = request as TaskRequest.Bytes ?? throw NotSupported(model, $"{model.Task} takes an image or audio file (base64, data URL or multipart upload), not text.");
            var loaded = await taskRuntime.GetAsync(descriptor, ct);
            var output = await loaded.RunAsync(loaded.Prepare(new TaskInput(data.Data, data.Parameters)), ct);
            return new TaskResult(TaskData.From(output), 0, 0);
        }

        if (embeddings.FirstOrDefault(r => r.CanServe(descriptor)) is { } embeddingRuntime)
        {
            var texts = request as TaskRequest.Texts ?? throw NotSupported(model, "sentence-embedding takes text: a string, an array of strings, or {\"source_sentence\":[…],\"sentences_to_compare\":[…]}.");
            RefuseParameters(texts.Parameters, model);
            var encoder = await embeddingRuntime.GetAsync(descriptor, ct);
            var vectors = await encoder.EmbedAsync([.. texts.Items.Select(encoder.Tokenize)], ct);
            return new TaskResult(TaskData.FromEmbeddings([.. vectors.Select(v => v.Vector)], texts.Compared), vectors.Sum(v => v.Tokens), 0);
        }

        if (generators.FirstOrDefault(r => r.CanServe(descriptor)) is { } generator && ModelTasks.IsTextGeneration(model.Task))
        {
            var text = request is TaskRequest.Texts { Items: [var prompt], Compared: 0 } ? prompt : throw NotSupported(model, $"{model.Task} takes one string as input.");
            var sampling = Sampling(request.Parameters);
            var loaded = await generator.GetAsync(descriptor, ct);
            var prepared = loaded.Prepare(model.Task == ModelTasks.Chat ? new PromptInput.Chat([new ChatMessage("user", text)]) : new PromptInput.Raw(text));
            var output = new System.Text.StringBuilder();
            GenerationChunk last = default;
            await foreach (var chunk in loaded.Generate(prepared, sampling, ct))
            {
                output.Append(chunk.Text);
                last = chunk;
            }

            return new TaskResult(TaskData.FromText(output.ToString()), last.PromptTokens, last.CompletionTokens);
        }

        throw NotSupported(model, "no runtime of this server serves it.");
    }

    private static SamplingOptions Sampling(IReadOnlyDictionary<string, double> parameters)
    {
        string[] known = ["max_tokens", "temperature", "top_p", "seed"];
        if (parameters.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new TaskInputException($"Unknown parameter '{unknown}' for text generation (known: {string.Join(", ", known)}).", "parameters." + unknown);
        }

        return new SamplingOptions
        {
            MaxTokens = (int)Get(parameters, "max_tokens", DefaultMaxTokens, 1, 4096),
            Temperature = (float)Get(parameters, "temperature", 0, 0, 2),
            TopP = (float)Get(parameters, "top_p", 1, 0, 1),
            Seed = parameters.TryGetValue("seed", out var seed) ? (uint)Get(parameters, "seed", 0, 0, uint.MaxValue) : null,
        };
    }

    private static double Get(IReadOnlyDictionary<string, double> parameters, string name, double fallback, double min, double max) =>
        !parameters.TryGetValue(name, out var v) ? fallback
        : v >= min && v <= max ? v
        : throw new TaskInputException($"Parameter '{name}' must be between {min} and {max}.", "parameters." + name);

    private static void RefuseParameters(IReadOnlyDictionary<string, double> parameters, ModelRecord model)
    {
        if (parameters.Count > 0)
        {
            throw new TaskInputException($"Unknown parameter '{parameters.Keys.First()}' for task {model.Task} (it takes none).", "parameters." + parameters.Keys.First());
        }
    }

    private static TaskInputException NotSupported(ModelRecord model, string why) =>
        new($"Model '{model.Id}' ({model.Format}, task {model.Task}) cannot take this call: {why}", "input");
}
