using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Library;
using OpenMaas.Server.Library;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.WebConsole.Services;

namespace OpenMaas.Server.WebConsole.Pages.Models;

/// <summary>A model: ID to copy, card, files, likes, "Use via API" snippets and the playground.</summary>
internal sealed class ModelPageModel(
    IStringLocalizer<ConsoleText> text, IModelCatalog catalog, IModelPopularity popularity, ModelCardRenderer renderer, ModelAccess access)
    : ConsolePageModel(text)
{
    public ModelRecord Record { get; private set; } = null!;

    public bool Liked { get; private set; }

    public string? ReadmeHtml { get; private set; }

    public IReadOnlyList<ApiSnippets.Snippet> Snippets { get; private set; } = [];

    public string BaseUrl => $"{Request.Scheme}://{Request.Host}/v1";

    public async Task<IActionResult> OnGetAsync(string owner, string name, CancellationToken ct)
    {
        if (await access.VisibleAsync(await catalog.FindAsync($"{owner}/{name}", ct), User, ct) is not { } record)
        {
            return NotFound();
        }

        Record = record;
        Liked = CallerId is { } user && await popularity.HasLikedAsync(record.Id, user, ct);
        ReadmeHtml = renderer.ToHtml(record.Readme);
        Snippets = ApiSnippets.For(BaseUrl, record.Id);
        return Page();
    }

    public async Task<IActionResult> OnPostLikeAsync(string owner, string name, bool like, CancellationToken ct)
    {
        var back = $"/models/{owner}/{name}";
        if (CallerId is not { } user)
        {
            return Redirect("/signin?returnUrl=" + Uri.EscapeDataString(back));
        }

        return await access.VisibleAsync(await catalog.FindAsync($"{owner}/{name}", ct), User, ct) is null
            || await popularity.SetLikeAsync($"{owner}/{name}", user, like, ct) is null ? NotFound() : Redirect(back);
    }

    public string DownloadUrl(string path) =>
        $"/api/v1/models/{Record.Id}/repo?Revision={Uri.EscapeDataString(Record.Revision)}&FilePath={Uri.EscapeDataString(path)}";

    public string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.CurrentCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.CurrentCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.CurrentCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.CurrentCulture) + " B",
    };
}
