using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Catalog;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>Finds the model and revision a hub call names. A model has one revision: its own, which is also what
/// <c>master</c> (ModelScope's default branch) names. A model private to an organisation the caller is not in is
/// answered as missing (<see cref="ModelAccess"/>): the card, the files, the revisions and pulls alike.</summary>
internal static class HubModels
{
    public static async Task<(ModelRecord? Model, ProblemHttpResult? Problem)> FindAsync(
        HttpContext http, IModelCatalog catalog, string owner, string name, string? revision, CancellationToken ct, string? filePath = null)
    {
        var id = $"{owner}/{name}";
        var model = await http.RequestServices.GetRequiredService<ModelAccess>().VisibleAsync(await catalog.FindAsync(id, ct), http.User, ct);
        if (model is null)
        {
            return (null, HubEnvelope.Problem(http, StatusCodes.Status404NotFound, $"No model '{id}'."));
        }

        var fileRevision = filePath is null ? null : model.Files.FirstOrDefault(f => f.Path == filePath) is { } file ? HubFile.ContentRevision(file) : null;
        if (revision is { Length: > 0 } r && r != ModelRevisions.Default && r != model.Revision && r != fileRevision)
        {
            return (null, HubEnvelope.Problem(http, StatusCodes.Status404NotFound, $"Model '{id}' has no revision '{r}' (it has {ModelRevisions.Default}{(model.Revision == ModelRevisions.Default ? string.Empty : ", " + model.Revision)})."));
        }

        return (model, null);
    }
}
