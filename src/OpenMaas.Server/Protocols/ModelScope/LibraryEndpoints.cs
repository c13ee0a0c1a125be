using OpenMaas.Server.Pipeline;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Library;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Quota;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Library;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>The model library under <c>/api/v1/models</c>: search, the model card, likes and admin edits. Answers are
/// in ModelScope's envelope; errors are ProblemDetails (with the envelope's fields).</summary>
internal static class LibraryEndpoints
{
    public static RouteGroupBuilder MapLibrary(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/v1/models");
        models.MapGet("", ListModels).WithName("LibraryListModels");
        models.MapGet("/{owner}/{name}", GetModel).WithName("LibraryGetModel");
        models.MapPost("/{owner}/{name}/like", Like).WithName("LibraryLike");
        models.MapDelete("/{owner}/{name}/like", Unlike).WithName("LibraryUnlike");
        models.MapPatch("/{owner}/{name}", Patch).WithName("LibraryPatch");
        models.MapHubFiles();
        return models;
    }

    internal static async Task<Results<JsonHttpResult<HubResponse<ModelListData>>, ProblemHttpResult>> ListModels(
        HttpContext http, IModelCatalog catalog, ModelAccess access, CancellationToken ct)
    {
        var (query, error) = LibraryQuery.Parse(http.Request.Query);
        if (query is null)
        {
            return HubEnvelope.Problem(http, StatusCodes.Status400BadRequest, error!);
        }

        var page = await catalog.QueryAsync(query with { Viewer = await access.ViewerAsync(http.User, ct) }, ct);
        var data = new ModelListData([.. page.Items.Select(ModelView.Summary)], page.Total, page.Page, page.PageSize);
        return HubEnvelope.Ok(http, data, LibraryJson.Default.HubResponseModelListData);
    }

    /// <summary>The model card; also ModelScope's model-info call (<c>?Revision=</c>).</summary>
    internal static async Task<Results<JsonHttpResult<HubResponse<ModelView>>, ProblemHttpResult>> GetModel(
        string owner, string name, string? revision, HttpContext http, IModelCatalog catalog, IModelPopularity popularity,
        ModelCardRenderer renderer, CancellationToken ct)
    {
        var (model, problem) = await HubModels.FindAsync(http, catalog, owner, name, revision, ct);
        if (model is null)
        {
            return problem!;
        }

        bool? liked = http.User.UserId() is { } user ? await popularity.HasLikedAsync(model.Id, user, ct) : null;
        return HubEnvelope.Ok(http, ModelView.Detail(model, renderer, liked), LibraryJson.Default.HubResponseModelView);
    }

    internal static Task<Results<JsonHttpResult<HubResponse<LikeData>>, ProblemHttpResult>> Like(
        string owner, string name, HttpContext http, IModelCatalog catalog, IModelPopularity popularity, CancellationToken ct) =>
        SetLikeAsync(owner, name, like: true, http, catalog, popularity, ct);

    internal static Task<Results<JsonHttpResult<HubResponse<LikeData>>, ProblemHttpResult>> Unlike(
        string owner, string name, HttpContext http, IModelCatalog catalog, IModelPopularity popularity, CancellationToken ct) =>
        SetLikeAsync(owner, name, like: false, http, catalog, popularity, ct);

    internal static async Task<Results<JsonHttpResult<HubResponse<ModelView>>, ProblemHttpResult>> Patch(
        string owner, string name, ModelPatch patch, HttpContext http, IModelCatalog catalog, IQuotaLimits limits, ModelCardRenderer renderer,
        IOrganizationService organizations, CancellationToken ct)
    {
        if (http.User.UserId() is null)
        {
            return HubEnvelope.Problem(http, StatusCodes.Status401Unauthorized, "Sign in or send an access token.");
        }

        if (!http.User.IsAdmin())
        {
            return HubEnvelope.Problem(http, StatusCodes.Status403Forbidden, "Only admins may change a model.");
        }

        var (change, error) = patch.ToChange();
        if (change is null)
        {
            return HubEnvelope.Problem(http, StatusCodes.Status400BadRequest, error!);
        }

        var id = $"{owner}/{name}";
        if (change.Private is true && OrganizationRules.CheckPrivate(id, await organizations.FindAsync(owner, ct) is not null) is { } notOrganization)
        {
            return HubEnvelope.Problem(http, StatusCodes.Status400BadRequest, notOrganization.Message);
        }

        var model = change.IsEmpty ? await catalog.FindAsync(id, ct) : await catalog.UpdateAsync(id, change.Apply, ct);
        if (model is null)
        {
            return HubEnvelope.Problem(http, StatusCodes.Status404NotFound, $"No model '{id}'.");
        }

        if (patch.DailyCallCap is { } cap)
        {
            await limits.SetAsync(null, model.Id, cap, ct);
        }

        return HubEnvelope.Ok(http, ModelView.Detail(model, renderer, null), LibraryJson.Default.HubResponseModelView);
    }

    private static async Task<Results<JsonHttpResult<HubResponse<LikeData>>, ProblemHttpResult>> SetLikeAsync(
        string owner, string name, bool like, HttpContext http, IModelCatalog catalog, IModelPopularity popularity, CancellationToken ct)
    {
        if (http.User.UserId() is not { } user)
        {
            return HubEnvelope.Problem(http, StatusCodes.Status401Unauthorized, "Sign in or send an access token to like a model.");
        }

        if ((await HubModels.FindAsync(http, catalog, owner, name, null, ct)).Problem is { } hidden)
        {
            return hidden;
        }

        var id = $"{owner}/{name}";
        var likes = await popularity.SetLikeAsync(id, user, like, ct);
        return likes is null
            ? HubEnvelope.Problem(http, StatusCodes.Status404NotFound, $"No model '{id}'.")
            : HubEnvelope.Ok(http, new LikeData(id, like, likes.Value), LibraryJson.Default.HubResponseLikeData);
    }
}
