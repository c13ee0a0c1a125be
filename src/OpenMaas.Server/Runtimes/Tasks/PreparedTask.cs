using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Runtimes.TextGeneration;

using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Runtimes.Tasks;

/// <summary>A task call ready to run on the runtime that serves the model's task.</summary>
public abstract record PreparedTask
{
    private PreparedTask()
    {
    }

    /// <summary>The Model ID (for errors and logs).</summary>
    public string ModelId { get; init; } = string.Empty;

    /// <summary>A vision or audio model with its decoded input.</summary>
    public sealed record Onnx(ITaskModel Model, PreparedTaskInput Input) : PreparedTask;

    /// <summary>Sentences to embed; the last <paramref name="Compared"/> are scored against the first.</summary>
    public sealed record Embeddings(IEmbeddingModel Model, IReadOnlyList<IReadOnlyList<int>> Tokens, int Compared) : PreparedTask;

    /// <summary>A query and documents to score (task <c>text-ranking</c>).</summary>
    public sealed record Ranking(Runtimes.Ranking.PreparedRerank Prepared) : PreparedTask;

    /// <summary>Audio to transcribe on a model's engines (task <c>auto-speech-recognition</c>).</summary>
    internal sealed record Transcription(Engines.EngineTranscription Engines, ReadOnlyMemory<byte> Audio) : PreparedTask;

    /// <summary>Text to speak on a model's engines (task <c>text-to-speech</c>).</summary>
    internal sealed record Speech(Engines.EngineSpeech Engines, string Text, string? Voice, double? Speed) : PreparedTask;

    public sealed record Generation(PreparedGeneration Prepared) : PreparedTask;
}

/// <param name="Data">ModelScope's <c>Data</c> object.</param>
/// <param name="PromptTokens">Input tokens, for the usage log.</param>
/// <param name="CompletionTokens">Generated tokens, for the usage log.</param>
public sealed record TaskResult(System.Text.Json.Nodes.JsonObject Data, int PromptTokens, int CompletionTokens);
