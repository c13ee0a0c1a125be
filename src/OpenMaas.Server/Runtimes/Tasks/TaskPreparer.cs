using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.TextGeneration;

using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Runtimes.Tasks;

/// <summary>
/// Readies a task call on the runtime that serves the model's format and task, before admission: vision and audio
/// models decode their input (bad base64, not an image, too many pixels, not a WAV → 4xx here), sentence encoders
/// tokenize, text generators render and bound the prompt. A call the model's task cannot take is a 400.
/// </summary>
internal sealed class TaskPreparer(
    IRuntimeSelector runtimes, ICallPreparer<TextGenerationRequest, PreparedGeneration> generation, Ranking.RerankPreparer ranking,
    Engines.EngineDeployments engines, Engines.EngineTranscription transcription, Engines.EngineSpeech speech)
    : ICallPreparer<TaskCallRequest, PreparedTask>
{
    private static readonly string[] GenerationParameters = ["max_tokens", "temperature", "top_p", "seed"];

    public ValueTask<PreparedTask> PrepareAsync(TaskCallRequest request, InferenceCall call, CancellationToken ct) =>
        PrepareAsync(request, call.Model, call, ct);

    /// <summary>Also used without the pipeline (<c>openmaas run</c>, where <paramref name="call"/> is null).</summary>
    public async ValueTask<PreparedTask> PrepareAsync(TaskCallRequest request, ModelRecord model, InferenceCall? call, CancellationToken ct)
    {
        if (Engines.EngineDeployments.Serves(model) && Engines.UpstreamModels.IsSpeechSynthesis(model.Task))
        {
            return await PrepareSpeechAsync(request, model, ct);
        }

        if (request.TextParameters.Keys.FirstOrDefault() is { } named)
        {
            throw CallException.BadRequest($"'parameters.{named}' must be a number for task {model.Task}.", "parameters." + named, "invalid_type");
        }

        if (Engines.EngineDeployments.Serves(model) && Engines.UpstreamModels.IsSpeechRecognition(model.Task))
        {
            RefuseParameters(request.Parameters, model.Task, []);
            await engines.RequireAsync(model, Engines.UpstreamModels.IsSpeechRecognition, ct);
            var audio = request.Input switch
            {
                TaskPayload.File f => f.Bytes,
                TaskPayload.Text t => TaskInputs.DecodeBase64(t.Value),
                _ => throw NotSupported(model, "it takes one audio file (base64, a data URL, or a multipart upload)."),
            };
            return new PreparedTask.Transcription(transcription, audio) { ModelId = model.Id };
        }

        if (model.Task == Inference.Onnx.OnnxTasks.TextRanking)
        {
            RefuseParameters(request.Parameters, model.Task, []);
            var (query, documents) = request.Input is TaskPayload.Compare c ? (c.Source, c.Targets)
                : throw NotSupported(model, "it takes {\"source_sentence\": [query], \"sentences_to_compare\": [documents…]}.");
            ranking.CheckCount(documents.Count, "input.sentences_to_compare");
            return new PreparedTask.Ranking(await ranking.PrepareTypedAsync(model, query, documents, ct)) { ModelId = model.Id };
        }

        if (model.Format == Inference.Onnx.OnnxTasks.Format && Inference.Onnx.OnnxTasks.IsTaskModel(model.Task))
        {
            var loaded = await runtimes.LoadAsync<ITaskModel>(model, ct);
            var bytes = request.Input switch
            {
                TaskPayload.File f => f.Bytes,
                TaskPayload.Text t => TaskInputs.DecodeBase64(t.Value),
                _ => throw NotSupported(model, "it takes one image or audio file (base64, a data URL, or a multipart upload)."),
            };
            try
            {
                return new PreparedTask.Onnx(loaded, loaded.Prepare(new TaskInput(bytes, request.Parameters))) { ModelId = model.Id };
            }
            catch (TaskInputException e)
            {
                throw new CallException(e.Status, CallErrorKind.InvalidRequest, e.Message, e.Param, e.Status == 413 ? "input_too_large" : "invalid_input");
            }
        }

        if (model.Task == Inference.Onnx.OnnxTasks.SentenceEmbedding)
        {
            RefuseParameters(request.Parameters, model.Task, []);
            var encoder = await runtimes.LoadAsync<IEmbeddingModel>(model, ct);
            var (texts, compared) = request.Input switch
            {
                TaskPayload.Text t => ([t.Value], 0),
                TaskPayload.Texts t => (t.Values, 0),
                TaskPayload.Compare c => ((IReadOnlyList<string>)[c.Source, .. c.Targets], c.Targets.Count),
                _ => throw NotSupported(model, "it takes text: a string, an array of strings, or {\"source_sentence\": …, \"sentences_to_compare\": […]}."),
            };
            return new PreparedTask.Embeddings(encoder, [.. texts.Select(encoder.Tokenize)], compared) { ModelId = model.Id };
        }

        if (ModelTasks.IsTextGeneration(model.Task))
        {
            RefuseParameters(request.Parameters, model.Task, GenerationParameters);
            var prompt = request.Input is TaskPayload.Text text ? text.Value : throw NotSupported(model, "it takes one string as input.");
            var neutral = new TextGenerationRequest
            {
                Model = model.Id,
                Endpoint = request.Endpoint,
                Prompt = model.Task == ModelTasks.Chat ? new PromptInput.Chat([new ChatMessage("user", prompt)]) : new PromptInput.Raw(prompt),
                MaxTokens = (int)Parameter(request.Parameters, "max_tokens", 128, 1, 1_048_576),
                Sampling = new SamplingOptions
                {
                    Temperature = (float)Parameter(request.Parameters, "temperature", 0, 0, 2),
                    TopP = (float)Parameter(request.Parameters, "top_p", 1, 0, 1),
                    Seed = request.Parameters.TryGetValue("seed", out _) ? (uint)Parameter(request.Parameters, "seed", 0, 0, uint.MaxValue) : null,
                },
                PromptParam = "input",
                MaxTokensParam = "parameters.max_tokens",
            };
            var preparedCall = call ?? new InferenceCall { Caller = new(), Model = model, Endpoint = request.Endpoint, StartedAt = DateTimeOffset.UnixEpoch };
            return new PreparedTask.Generation(await generation.PrepareAsync(neutral, preparedCall, ct)) { ModelId = model.Id };
        }

        throw NotSupported(model, "no runtime of this server serves its task.");
    }

    /// <summary>Text to speech on the model's engines: one text, parameters <c>voice</c> (string) and <c>speed</c>.</summary>
    private async ValueTask<PreparedTask> PrepareSpeechAsync(TaskCallRequest request, ModelRecord model, CancellationToken ct)
    {
        RefuseParameters(request.Parameters, model.Task, ["speed"]);
        if (request.TextParameters.Keys.FirstOrDefault(k => k != "voice") is { } unknown)
        {
            throw CallException.BadRequest($"Unknown parameter '{unknown}' for task {model.Task} (known: voice, speed).", "parameters." + unknown, "invalid_parameter");
        }

        await engines.RequireAsync(model, Engines.UpstreamModels.IsSpeechSynthesis, ct);
        var text = request.Input is TaskPayload.Text t ? t.Value : throw NotSupported(model, "it takes one text to speak: a string or {\"text\": …}.");
        if (text.Length > Engines.EngineSpeech.MaxInput)
        {
            throw CallException.BadRequest($"'input' has {text.Length} characters; at most {Engines.EngineSpeech.MaxInput} are allowed.", "input");
        }

        double? speed = request.Parameters.ContainsKey("speed") ? Parameter(request.Parameters, "speed", 1, 0.25, 4) : null;
        return new PreparedTask.Speech(speech, text, request.TextParameters.GetValueOrDefault("voice"), speed) { ModelId = model.Id };
    }

    private static double Parameter(IReadOnlyDictionary<string, double> parameters, string name, double fallback, double min, double max) =>
        !parameters.TryGetValue(name, out var v) ? fallback
        : v >= min && v <= max ? v
        : throw CallException.BadRequest($"Parameter '{name}' must be between {min} and {max}.", "parameters." + name, "invalid_parameter");

    private static void RefuseParameters(IReadOnlyDictionary<string, double> parameters, string task, string[] known)
    {
        if (parameters.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            var list = known.Length == 0 ? "none" : string.Join(", ", known);
            throw CallException.BadRequest($"Unknown parameter '{unknown}' for task {task} (known: {list}).", "parameters." + unknown, "invalid_parameter");
        }
    }

    private static CallException NotSupported(ModelRecord model, string why) =>
        CallException.BadRequest($"Model '{model.Id}' (task {model.Task}) cannot take this input: {why}", "input", "task_not_supported");
}
