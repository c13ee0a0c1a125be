using OpenMaas.Inference.Onnx;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Onnx;

/// <summary>The real server with the built-in MiniLM and the three ONNX task models of ../shared registered (linked).</summary>
public sealed class OnnxServerFixture : ServerFixture
{
    public const string MiniLm = "sentence-transformers/all-MiniLM-L6-v2";
    public const string Mnist = "onnx/mnist-8";
    public const string UltraFace = "onnx/ultraface-rfb-320";
    public const string Silero = "snakers4/silero-vad";

    /// <summary>The rerank document limit this server is configured with.</summary>
    public const int MaxRerankDocuments = 50;

    protected override IEnumerable<string> Settings => ["Onnx:BuiltInEmbeddingModel=true", "Onnx:BatchWaitMilliseconds=20", $"Rerank:MaxDocuments={MaxRerankDocuments}"];

    protected override async Task SeedAsync()
    {
        await RegisterModelAsync(OnnxTestHost.Model("mnist-8.onnx"), Mnist, link: true, OnnxTasks.ImageClassification);
        await RegisterModelAsync(OnnxTestHost.Model("version-RFB-320.onnx"), UltraFace, link: true, OnnxTasks.FaceDetection);
        await RegisterModelAsync(OnnxTestHost.Model("silero_vad.onnx"), Silero, link: true, OnnxTasks.VoiceActivityDetection);
    }
}
