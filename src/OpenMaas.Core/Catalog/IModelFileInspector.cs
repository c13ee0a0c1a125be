namespace OpenMaas.Core.Catalog;

/// <summary>What the library shows about a weights file, read from the file itself.</summary>
/// <param name="Architecture">e.g. <c>llama</c>.</param>
/// <param name="ParameterCount">Number of parameters.</param>
/// <param name="ContextLength">The training context, when the file says.</param>
/// <param name="ChatTemplate">The chat template, when the file has one.</param>
public sealed record ModelFileFacts(string? Architecture, long ParameterCount, int? ContextLength, string? ChatTemplate);

/// <summary>Reads <see cref="ModelFileFacts"/> from a weights file of one format. Core does not parse model formats; the
/// host registers an inspector backed by the runtime that owns the format (GGUF: Inference's <c>GgufReader</c>).</summary>
public interface IModelFileInspector
{
    /// <summary>The format it reads, e.g. <c>gguf</c>.</summary>
    string Format { get; }

    /// <summary>The file's facts; throws <see cref="InvalidDataException"/> or <see cref="IOException"/> when it is not
    /// a readable file of <see cref="Format"/>.</summary>
    ModelFileFacts Inspect(string path);
}
