namespace OpenMaas.Core.Catalog;

/// <summary>Reads and writes the registered models. Shared by the CLI and the server through the database,
/// so a model added by the CLI is visible to a running server at once.</summary>
public interface IModelCatalog
{
    Task<ModelRecord?> FindAsync(string id, CancellationToken ct = default);

    Task<IReadOnlyList<ModelRecord>> ListAsync(CancellationToken ct = default);

    /// <summary>Adds the model; false when the ID is taken.</summary>
    Task<bool> AddAsync(ModelRecord model, CancellationToken ct = default);

    /// <summary>Removes the model and returns it; null when unknown.</summary>
    Task<ModelRecord?> RemoveAsync(string id, CancellationToken ct = default);
}
