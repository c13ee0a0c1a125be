using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Quota;
using OpenMaas.Server.WebConsole.Services;

namespace OpenMaas.Server.WebConsole.Pages.Admin;

/// <summary>Models: API-Inference mode (with the popularity score), per-model daily cap, card edit, remove.</summary>
internal sealed class AdminModelsModel(
    IStringLocalizer<ConsoleText> text, IModelCatalog catalog, IQuotaLimits limits, PopularityScores scores, IServiceProvider services)
    : ConsolePageModel(text)
{
    private const int PageSize = 25;
    private IReadOnlyDictionary<string, long> _scores = new Dictionary<string, long>();
    private IReadOnlyList<QuotaLimit> _caps = [];

    public ModelPage Results { get; private set; } = new([], 0, 1, PageSize);

    public string? Search { get; private set; }

    public int PageNumber { get; private set; } = 1;

    public int Pages => (Results.Total + PageSize - 1) / PageSize;

    public async Task OnGetAsync(string? search, int? page, CancellationToken ct)
    {
        Search = search;
        PageNumber = Math.Max(1, page ?? 1);
        Results = await catalog.QueryAsync(new ModelQuery { Search = search, Sort = ModelSort.Name, Page = PageNumber, PageSize = PageSize }, ct);
        _scores = await scores.ForAsync([.. Results.Items.Select(m => (m.Id, m.Likes))], ct);
        _caps = [.. (await limits.ListAsync(ct)).Where(l => l.UserId is null && l.ModelId is not null)];
    }

    public long ScoreOf(string id) => _scores.GetValueOrDefault(id);

    public int? CapOf(string id) => _caps.FirstOrDefault(l => l.ModelId == id)?.DailyCalls;

    public async Task<IActionResult> OnPostModeAsync(string id, string? mode, string? search, CancellationToken ct)
    {
        if (!Enum.TryParse<ApiInferenceMode>(mode, ignoreCase: true, out var parsed) || int.TryParse(mode, out _))
        {
            return BadRequest();
        }

        return await catalog.UpdateAsync(id, m => m.ApiInferenceMode = parsed, ct) is { } updated
            ? Done(L["API-Inference of {0}: {1}.", id, updated.ApiInference ? L["Served"] : L["Not served"]], search)
            : NotFound();
    }

    public async Task<IActionResult> OnPostCapAsync(string id, int? cap, string? search, CancellationToken ct)
    {
        if (cap is < 0 || await catalog.FindAsync(id, ct) is null)
        {
            return cap is < 0 ? BadRequest() : NotFound();
        }

        if (cap is { } c)
        {
            await limits.SetAsync(null, id, c, ct);
        }

        return Done(L["Daily cap of {0} saved.", id], search);
    }

    public async Task<IActionResult> OnPostRemoveAsync(string id, CancellationToken ct)
    {
        var registrar = services.GetRequiredService<ModelRegistrar>();
        return await registrar.RemoveAsync(id, ct) is null ? NotFound() : Done(L["{0} removed.", id], null);
    }

    private IActionResult Done(string message, string? search)
    {
        Notice(message);
        return Redirect(search is { Length: > 0 } ? "/admin/models?search=" + Uri.EscapeDataString(search) : "/admin/models");
    }
}
