namespace OpenMaas.Inference.Onnx;

/// <summary>The tasks the ONNX runtime serves, and the format name.</summary>
public static class OnnxTasks
{
    public const string Format = "onnx";
    public const string SentenceEmbedding = "sentence-embedding";
    public const string ImageClassification = "image-classification";
    public const string FaceDetection = "face-detection";
    public const string VoiceActivityDetection = "voice-activity-detection";

    public static IReadOnlyList<string> All { get; } = [SentenceEmbedding, ImageClassification, FaceDetection, VoiceActivityDetection];

    public static bool IsSupported(string task) => All.Contains(task, StringComparer.Ordinal);
}
