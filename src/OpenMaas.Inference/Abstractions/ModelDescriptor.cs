namespace OpenMaas.Inference.Abstractions;

/// <summary>What a runtime needs to load a model. <see cref="Version"/> changes when the file changes, so a
/// re-registered model is reloaded. For ONNX models <see cref="FilePath"/> is the model's task config
/// (<c>onnx-task.json</c>), which names the weights and says how to pre- and post-process.</summary>
public sealed record ModelDescriptor(string Id, string FilePath, string Format, DateTimeOffset Version)
{
    /// <summary>The ModelScope task the model is registered for (with the format, it picks the runtime).</summary>
    public string Task { get; init; } = string.Empty;
}
