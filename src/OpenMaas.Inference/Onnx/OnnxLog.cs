using Microsoft.Extensions.Logging;

namespace OpenMaas.Inference.Onnx;

/// <summary>Log events of the ONNX runtime (event ids 1200–1299).</summary>
internal static partial class OnnxLog
{
    [LoggerMessage(1200, LogLevel.Information, "Loaded ONNX model {ModelId} ({Task}) from {Path} in {ElapsedMs} ms, estimated {EstimatedMiB} MiB")]
    public static partial void ModelLoaded(ILogger logger, string modelId, string task, string path, long elapsedMs, long estimatedMiB);

    [LoggerMessage(1201, LogLevel.Error, "ONNX model {ModelId}: a run of {Inputs} inputs failed")]
    public static partial void RunFailed(ILogger logger, string modelId, int inputs, Exception error);

    [LoggerMessage(1202, LogLevel.Information, "Extracted the embedded model of {Package} into {Folder}")]
    public static partial void Extracted(ILogger logger, string package, string folder);
}
