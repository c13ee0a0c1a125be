using Microsoft.ML.OnnxRuntime;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Onnx;

/// <summary>A task's pre-processing, model run(s) and post-processing over one session, driven by the config.</summary>
internal interface ITaskProcessor
{
    IReadOnlyCollection<string> Parameters { get; }

    /// <summary>Decodes and checks the input; throws <see cref="TaskInputException"/>. Runs before a slot is taken.</summary>
    object Prepare(TaskInput input);

    /// <summary>Throws <see cref="TaskInputException"/> for a parameter value out of its bounds.</summary>
    void CheckParameters(IReadOnlyDictionary<string, double> parameters);

    TaskOutput Run(InferenceSession session, object prepared, IReadOnlyDictionary<string, double> parameters);
}

internal static class TaskParameters
{
    public static double Get(IReadOnlyDictionary<string, double> parameters, string name, double fallback, double min, double max)
    {
        if (!parameters.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return value >= min && value <= max && double.IsFinite(value)
            ? value
            : throw new TaskInputException($"Parameter '{name}' must be between {min} and {max}.", "parameters." + name);
    }
}
