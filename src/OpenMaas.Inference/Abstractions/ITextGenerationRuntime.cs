namespace OpenMaas.Inference.Abstractions;

/// <summary>Loads text-generation models on first use and unloads them when idle or over the memory budget.</summary>
public interface ITextGenerationRuntime
{
    /// <summary>True when this runtime serves the format (e.g. <c>gguf</c>).</summary>
    bool CanServe(ModelDescriptor model);

    /// <summary>Returns the loaded model, loading it first when needed. Throws <see cref="ModelLoadException"/>.</summary>
    ValueTask<ITextGenerationModel> GetAsync(ModelDescriptor model, CancellationToken ct);
}
