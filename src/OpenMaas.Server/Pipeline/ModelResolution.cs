using System.Security.Claims;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Storage;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// Step 1 of the pipeline: the catalog entry the request names, or 404 <c>model_not_found</c> — also for a model private
/// to an organisation the caller is not in (<see cref="ModelAccess"/>), so its existence never shows. Found records are kept
/// in a bounded cache behind the change notice, which every write of a model record moves (the CLI's and other nodes'
/// too), so a call reads the database only after a change; the records are shared and never modified.
/// </summary>
internal sealed class ModelResolution(IModelCatalog catalog, IChangeNotice notice, ModelAccess access)
{
    private const int Capacity = 1024;
    private readonly StampedCache<string, ModelRecord?> _cache = new(notice, Capacity);

    public async ValueTask<ModelRecord> ResolveAsync(string id, ClaimsPrincipal caller, CancellationToken ct) =>
        Found(id, await access.VisibleAsync(await _cache.GetOrLoadAsync(id, catalog, static async (c, key, token) =>
        {
            var record = await c.FindAsync(key, token);
            return (record, record is not null);
        }, ct), caller, ct));

    /// <summary>404 <c>model_not_found</c> for an unknown (or hidden) model.</summary>
    internal static ModelRecord Found(string id, ModelRecord? record) => record ?? throw new CallException(
        StatusCodes.Status404NotFound, CallErrorKind.InvalidRequest, $"The model '{id}' does not exist or you do not have access to it.",
        "model", "model_not_found");
}
