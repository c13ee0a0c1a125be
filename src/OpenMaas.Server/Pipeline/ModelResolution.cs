using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Pipeline;

/// <summary>Step 1 of the pipeline: the catalog entry the request names, or 404 <c>model_not_found</c>.</summary>
internal sealed class ModelResolution(IModelCatalog catalog)
{
    public async ValueTask<ModelRecord> ResolveAsync(string id, CancellationToken ct) => Found(id, await catalog.FindAsync(id, ct));

    /// <summary>404 <c>model_not_found</c> for an unknown model.</summary>
    internal static ModelRecord Found(string id, ModelRecord? record) => record ?? throw new CallException(
        StatusCodes.Status404NotFound, CallErrorKind.InvalidRequest, $"The model '{id}' does not exist or you do not have access to it.",
        "model", "model_not_found");
}
