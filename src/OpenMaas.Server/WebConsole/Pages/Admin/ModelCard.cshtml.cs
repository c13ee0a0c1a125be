using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Organizations;

namespace OpenMaas.Server.WebConsole.Pages.Admin;

/// <summary>Edits a model's card (display name, description, licence, tags, README, private to its organisation); empty
/// clears a field.</summary>
internal sealed class AdminModelCardModel(IStringLocalizer<ConsoleText> text, IModelCatalog catalog, IOrganizationService organizations)
    : ConsolePageModel(text)
{
    public ModelRecord Record { get; private set; } = null!;

    /// <summary>Why the form was refused (shown on the page, with status 400).</summary>
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? id, CancellationToken ct)
    {
        if (id is null || await catalog.FindAsync(id, ct) is not { } record)
        {
            return NotFound();
        }

        Record = record;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(
        string id, string? displayName, string? description, string? license, string? tags, string? readme, bool @private, CancellationToken ct)
    {
        if (@private && ModelId.IsValid(id)
            && OrganizationRules.CheckPrivate(id, await organizations.FindAsync(id[..id.IndexOf('/')], ct) is not null) is { } refused)
        {
            Error = Say(refused);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await OnGetAsync(id, ct);
        }

        var change = new ModelCardChange
        {
            DisplayName = displayName?.Trim() ?? string.Empty,
            Description = description?.Trim() ?? string.Empty,
            License = license?.Trim() ?? string.Empty,
            Tags = ModelCardChange.ParseTags(tags ?? string.Empty),
            Readme = readme ?? string.Empty,
            Private = @private,
        };
        if (await catalog.UpdateAsync(id, change.Apply, ct) is null)
        {
            return NotFound();
        }

        Notice(L["Card of {0} saved.", id]);
        return Redirect("/models/" + id);
    }
}
