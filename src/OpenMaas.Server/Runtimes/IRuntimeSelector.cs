using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Runtimes;

/// <summary>
/// Picks the runtime that serves a catalog entry for one capability — <c>TModel</c> is the capability's
/// loaded-model interface (<c>ITextGenerationModel</c> now; <c>IEmbeddingModel</c>, task models next) — among the
/// registered <c>IModelRuntime&lt;TModel&gt;</c>s, by the model's format and task, and loads the model.
/// </summary>
public interface IRuntimeSelector
{
    /// <summary>The loaded model; throws <see cref="Pipeline.CallException"/>: 400 <c>model_not_supported</c> when no
    /// runtime serves the model for this capability, 500 <c>model_load_failed</c> when it cannot be loaded.</summary>
    ValueTask<TModel> LoadAsync<TModel>(ModelRecord model, CancellationToken ct)
        where TModel : class;
}
