using OpenMaas.Core.Catalog;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Endpoints;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{owner}/{name}</c> (free: no quota).</summary>
internal static class ModelsEndpoints
{
    public static RouteGroupBuilder MapModels(this RouteGroupBuilder v1)
    {
        v1.MapGet("/models", ListModels).WithName("ListModels");
        // Catch-all: SDKs escape the slash of "owner/name" as %2F, which routing does not split on.
        v1.MapGet("/models/{**id}", GetModel).WithName("GetModel");
        return v1;
    }

    internal static async Task<IResult> ListModels(IModelCatalog catalog, CancellationToken ct)
    {
        var models = await catalog.ListAsync(ct);
        return TypedResults.Json(new ModelList([.. models.Select(ToWire)]), OpenAIJson.Default.ModelList);
    }

    internal static async Task<IResult> GetModel(string id, IModelCatalog catalog, CancellationToken ct)
    {
        id = Uri.UnescapeDataString(id);
        var model = await catalog.FindAsync(id, ct) ?? throw new OpenAIException(StatusCodes.Status404NotFound,
            $"The model '{id}' does not exist or you do not have access to it.", OpenAIErrorTypes.InvalidRequest, "model", "model_not_found");
        return TypedResults.Json(ToWire(model), OpenAIJson.Default.ModelObject);
    }

    private static ModelObject ToWire(ModelRecord m) => new(m.Id, m.CreatedAt.ToUnixTimeSeconds(), m.Owner);
}
