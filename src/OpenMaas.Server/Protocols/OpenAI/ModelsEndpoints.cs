using OpenMaas.Core.Catalog;
using OpenMaas.Server.Protocols.Anthropic;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{owner}/{name}</c> (free: no quota): exactly the models with
/// API-Inference on, inside the token's scope. Anthropic's clients (they send <c>anthropic-version</c>) get the same
/// models in Anthropic's shape and errors (<see cref="AnthropicModels"/>).</summary>
internal static class ModelsEndpoints
{
    public static RouteGroupBuilder MapModels(this RouteGroupBuilder v1)
    {
        var errors = new ModelsErrorWriter(OpenAIErrorWriter.Instance);
        v1.MapGet("/models", ListModels).WithName("ListModels").WithErrorWriter(errors);
        // Catch-all: SDKs escape the slash of "owner/name" as %2F, which routing does not split on.
        v1.MapGet("/models/{**id}", GetModel).WithName("GetModel").WithErrorWriter(errors);
        return v1;
    }

    /// <summary>Only the models the calling token may call (and the caller may see: no other organisation's private ones).</summary>
    internal static async Task<IResult> ListModels(HttpContext http, IModelCatalog catalog, ModelAccess access, CancellationToken ct)
    {
        var scope = http.TokenScope();
        var viewer = await access.ViewerAsync(http.User, ct);
        var models = (await catalog.ListServedAsync(ct)).Where(viewer.CanSee).ToList();
        if (AnthropicModels.IsAnthropic(http.Request))
        {
            return TypedResults.Json(AnthropicModels.Page([.. models.Where(m => scope.Allows(m.Id))], http.Request.Query), AnthropicJson.Default.AnthropicModelList);
        }

        return TypedResults.Json(new ModelList([.. models.Where(m => scope.Allows(m.Id)).Select(ToWire)]), OpenAIJson.Default.ModelList);
    }

    internal static async Task<IResult> GetModel(HttpContext http, string id, ModelResolution resolution, CancellationToken ct)
    {
        id = Uri.UnescapeDataString(id);
        var model = ApiInferenceAuthorizer.EnsureApiInference(await resolution.ResolveAsync(id, http.User, ct));
        TokenScopeAuthorizer.EnsureAllowed(http.TokenScope(), model.Id);
        return AnthropicModels.IsAnthropic(http.Request)
            ? TypedResults.Json(AnthropicModels.ToWire(model), AnthropicJson.Default.AnthropicModelInfo)
            : TypedResults.Json(ToWire(model), OpenAIJson.Default.ModelObject);
    }

    private static ModelObject ToWire(ModelRecord m) => new(m.Id, m.CreatedAt.ToUnixTimeSeconds(), m.Owner) { Capabilities = ModelCapabilities.Of(m) };
}
