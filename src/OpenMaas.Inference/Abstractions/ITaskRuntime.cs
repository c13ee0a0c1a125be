namespace OpenMaas.Inference.Abstractions;

/// <summary>A runtime of models of non-generative tasks (vision, audio).</summary>
public interface ITaskRuntime : IModelRuntime<ITaskModel>;

/// <summary>A loaded model of one task: decodes its input, runs, post-processes.</summary>
public interface ITaskModel
{
    string Id { get; }

    string Task { get; }

    /// <summary>The parameter names this task accepts (others are refused before running).</summary>
    IReadOnlyCollection<string> Parameters { get; }

    /// <summary>Checks the parameters and decodes the input (image, audio) without running the model: throws
    /// <see cref="TaskInputException"/> for input the task cannot take, so a caller can refuse it before admission.</summary>
    PreparedTaskInput Prepare(TaskInput input);

    /// <summary>Runs the model on a prepared input. Throws <see cref="SchedulerFullException"/> when the model's queue
    /// is full and <see cref="InferenceException"/> when the run fails.</summary>
    Task<TaskOutput> RunAsync(PreparedTaskInput input, CancellationToken ct);
}

/// <summary>A decoded, checked task input (what <see cref="ITaskModel.Prepare"/> made), opaque to callers.</summary>
public sealed class PreparedTaskInput
{
    internal PreparedTaskInput(object decoded, IReadOnlyDictionary<string, double> parameters)
    {
        Decoded = decoded;
        Parameters = parameters;
    }

    internal object Decoded { get; }

    internal IReadOnlyDictionary<string, double> Parameters { get; }
}

/// <summary>The input of a task call: bytes (image, audio) and numeric parameters.</summary>
public sealed record TaskInput(ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, double> Parameters);

/// <summary>What a task model answers.</summary>
public abstract record TaskOutput
{
    private TaskOutput()
    {
    }

    /// <summary>Labels sorted by descending score.</summary>
    public sealed record Classification(IReadOnlyList<string> Labels, IReadOnlyList<float> Scores) : TaskOutput;

    /// <summary>Boxes as <c>[x1, y1, x2, y2]</c> in the input image's pixels, sorted by descending score.</summary>
    public sealed record Detection(IReadOnlyList<float[]> Boxes, IReadOnlyList<float> Scores, IReadOnlyList<string> Labels) : TaskOutput;

    /// <summary>Speech segments in seconds.</summary>
    public sealed record Segments(IReadOnlyList<SpeechSegment> Items, double DurationSeconds) : TaskOutput;
}

public readonly record struct SpeechSegment(double Start, double End);

/// <summary>The input cannot be taken (bad bytes, wrong format, too large, unknown parameter): a 4xx, nothing ran.</summary>
public sealed class TaskInputException(string message, string? param = null, int status = 400) : Exception(message)
{
    public string? Param { get; } = param;

    public int Status { get; } = status;
}
