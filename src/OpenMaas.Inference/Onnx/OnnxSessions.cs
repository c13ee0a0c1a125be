using Microsoft.ML.OnnxRuntime;

namespace OpenMaas.Inference.Onnx;

internal static class OnnxSessions
{
    /// <summary>CPU session options; errors only in the log (old exports warn once per weight otherwise).</summary>
    public static SessionOptions QuietOptions(int intraOpThreads) =>
        QuietOptions(new OnnxOptions { IntraOpThreads = intraOpThreads });

    /// <summary>CPU session options from the runtime's settings; errors only in the log.</summary>
    public static SessionOptions QuietOptions(OnnxOptions settings)
    {
        var options = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            GraphOptimizationLevel = settings.GraphOptimization switch
            {
                OnnxGraphOptimization.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
                OnnxGraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                OnnxGraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            InterOpNumThreads = 1,
        };
        if (settings.IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = settings.IntraOpThreads;
        }

        options.AddSessionConfigEntry("session.intra_op.allow_spinning", settings.AllowSpinning ? "1" : "0");
        return options;
    }
}
