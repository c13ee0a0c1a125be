namespace OpenMaas.Inference.Llama;

/// <summary>The facts of a GGUF file that the library shows and the runtime needs.</summary>
public sealed record GgufMetadata(
    uint Version,
    string? Architecture,
    string? Name,
    long ParameterCount,
    int? ContextLength,
    string? ChatTemplate,
    long TensorCount,
    int? FileType);
