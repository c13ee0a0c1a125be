namespace OpenMaas.Inference.Onnx;

/// <summary>The tasks the ONNX runtime serves, and the format name.</summary>
public static class OnnxTasks
{
    public const string Format = "onnx";
    public const string SentenceEmbedding = "sentence-embedding";
    public const string ImageClassification = "image-classification";
    public const string FaceDetection = "face-detection";
    public const string VoiceActivityDetection = "voice-activity-detection";
    public const string TextRanking = "text-ranking";

    public static IReadOnlyList<string> All { get; } = [SentenceEmbedding, ImageClassification, FaceDetection, VoiceActivityDetection, TextRanking];

    public static bool IsSupported(string task) => All.Contains(task, StringComparer.Ordinal);

    /// <summary>Tasks whose model reads text through a WordPiece vocabulary (<c>vocab.txt</c> beside the model).</summary>
    public static bool NeedsVocabulary(string task) => task is SentenceEmbedding or TextRanking;

    /// <summary>Tasks served as <see cref="Abstractions.ITaskModel"/> (vision, audio).</summary>
    public static bool IsTaskModel(string task) => IsSupported(task) && !NeedsVocabulary(task);
}
