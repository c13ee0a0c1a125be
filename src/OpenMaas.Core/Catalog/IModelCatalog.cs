namespace OpenMaas.Core.Catalog;

/// <summary>Reads and writes the registered models. Shared by the CLI and the server through the database,
/// so a model added by the CLI is visible to a running server at once.</summary>
public interface IModelCatalog
{
    Task<ModelRecord?> FindAsync(string id, CancellationToken ct = default);

    Task<IReadOnlyList<ModelRecord>> ListAsync(CancellationToken ct = default);

    /// <summary>The models with API-Inference on: the set /v1 serves.</summary>
    Task<IReadOnlyList<ModelRecord>> ListServedAsync(CancellationToken ct = default);

    Task<ModelPage> QueryAsync(ModelQuery query, CancellationToken ct = default);

    /// <summary>Adds the model; false when the ID is taken.</summary>
    Task<bool> AddAsync(ModelRecord model, CancellationToken ct = default);

    /// <summary>Applies <paramref name="change"/> to the model's card and stamps it updated; null when unknown.</summary>
    Task<ModelRecord?> UpdateAsync(string id, Action<ModelRecord> change, CancellationToken ct = default);

    /// <summary>Removes the model (with its likes and download records) and returns it; null when unknown.</summary>
    Task<ModelRecord?> RemoveAsync(string id, CancellationToken ct = default);
}
