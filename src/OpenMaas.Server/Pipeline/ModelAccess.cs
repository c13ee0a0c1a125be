using System.Security.Claims;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Organizations;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// Which models a caller sees: every model for a system admin (and for everyone when <c>Auth:Enabled</c> is false), the
/// public ones plus the private models of their organisations for a user, public ones only for an anonymous caller.
/// Every surface asks this one class (model resolution for every inference call and <c>/v1/models/{id}</c>, the model
/// lists, the hub and library API, the console), and a model it hides is answered exactly like one that does not exist.
/// </summary>
internal sealed class ModelAccess(IOrganizationService organizations, IOptions<AuthOptions> auth)
{
    public async ValueTask<ModelViewer> ViewerAsync(ClaimsPrincipal caller, CancellationToken ct)
    {
        if (!auth.Value.Enabled || caller.IsAdmin())
        {
            return ModelViewer.Everyone;
        }

        return caller.UserId() is { } user ? ModelViewer.MemberOf(await organizations.NamesOfAsync(user, ct)) : ModelViewer.Anonymous;
    }

    /// <summary>The model when the caller may see it; null when it is private to an organisation the caller is not in
    /// (a public model needs no membership lookup).</summary>
    public async ValueTask<ModelRecord?> VisibleAsync(ModelRecord? model, ClaimsPrincipal caller, CancellationToken ct) =>
        model is null || !model.Private || (await ViewerAsync(caller, ct)).CanSee(model) ? model : null;
}
