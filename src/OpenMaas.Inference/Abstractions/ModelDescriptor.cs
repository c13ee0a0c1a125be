namespace OpenMaas.Inference.Abstractions;

/// <summary>What a runtime needs to load a model. <see cref="Version"/> changes when the file changes, so a
/// re-registered model is reloaded.</summary>
/// <param name="Id">The Model ID.</param>
/// <param name="FilePath">The weights file; for ONNX models their task config (<c>onnx-task.json</c>), which names the
/// weights and says how to pre- and post-process; empty for a model that is not a local file (an upstream engine).</param>
/// <param name="Format">The catalog format: <c>gguf</c>, later <c>onnx</c>, <c>upstream</c>.</param>
/// <param name="Version">Changes when the model's files change.</param>
public sealed record ModelDescriptor(string Id, string FilePath, string Format, DateTimeOffset Version)
{
    /// <summary>The ModelScope task, e.g. <c>text-generation</c>, <c>sentence-embedding</c>.</summary>
    public string Task { get; init; } = "text-generation";
}
