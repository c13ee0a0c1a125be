using Microsoft.ML.OnnxRuntime;

namespace OpenMaas.Inference.Onnx;

internal static class OnnxSessions
{
    /// <summary>CPU session options; errors only in the log (old exports warn once per weight otherwise).</summary>
    public static SessionOptions QuietOptions(int intraOpThreads)
    {
        var options = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            InterOpNumThreads = 1,
        };
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        return options;
    }
}
