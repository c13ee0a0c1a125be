namespace OpenMaas.Inference.Abstractions;

/// <summary>
/// A runtime for one capability: loads models of the formats and tasks it serves on first use and unloads them when
/// idle or over the memory budget. <typeparamref name="TModel"/> is the capability's loaded-model interface
/// (<see cref="ITextGenerationModel"/>; an embeddings or task runtime brings its own), so a runtime that serves several
/// capabilities implements this once per capability.
/// </summary>
/// <typeparam name="TModel">The loaded-model interface of the capability.</typeparam>
public interface IModelRuntime<TModel>
    where TModel : class
{
    /// <summary>True when this runtime serves the model's format and task (e.g. <c>gguf</c> + <c>text-generation</c>).</summary>
    bool CanServe(ModelDescriptor model);

    /// <summary>Returns the loaded model, loading it first when needed. Throws <see cref="ModelLoadException"/>.</summary>
    ValueTask<TModel> GetAsync(ModelDescriptor model, CancellationToken ct);
}
