using OpenMaas.Core.Catalog;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.OpenAI;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{owner}/{name}</c> (free: no quota): exactly the models with
/// API-Inference on.</summary>
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
        var models = await catalog.ListServedAsync(ct);
        return TypedResults.Json(new ModelList([.. models.Select(ToWire)]), OpenAIJson.Default.ModelList);
    }

    internal static async Task<IResult> GetModel(string id, IModelCatalog catalog, CancellationToken ct)
    {
        id = Uri.UnescapeDataString(id);
        var model = ApiInferenceAuthorizer.EnsureApiInference(ModelResolution.Found(id, await catalog.FindAsync(id, ct)));
        return TypedResults.Json(ToWire(model), OpenAIJson.Default.ModelObject);
    }

    private static ModelObject ToWire(ModelRecord m) => new(m.Id, m.CreatedAt.ToUnixTimeSeconds(), m.Owner);
}
