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
        _caps = [.. (await limits.ListAsync(ct)).Where(l => l.Scope.Kind == LimitScopeKind.Model)];
    }

    public long ScoreOf(string id) => _scores.GetValueOrDefault(id);

    public int? CapOf(string id) => _caps.FirstOrDefault(l => l.ModelId == id)?.DailyCalls;

    /// <summary>The model's global requests and tokens per minute (every caller together).</summary>
    public (int? Rpm, int? Tpm) PerMinuteOf(string id) => _caps.FirstOrDefault(l => l.ModelId == id) is { } row ? (row.RequestsPerMinute, row.TokensPerMinute) : (null, null);

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

    public async Task<IActionResult> OnPostCapAsync(string id, int? cap, int? weight, int? rpm, int? tpm, string? search, CancellationToken ct)
    {
        if (cap is < 0 || weight is < 1 || rpm is < 0 || tpm is < 0 || await catalog.FindAsync(id, ct) is null)
        {
            return cap is < 0 || weight is < 1 || rpm is < 0 || tpm is < 0 ? BadRequest() : NotFound();
        }

        // An empty cap leaves it; an empty RPM or TPM removes the model's per-minute limit.
        await limits.SetAsync(new LimitScope(ModelId: id), new LimitValues(cap, rpm ?? LimitValues.Clear, tpm ?? LimitValues.Clear), ct);
        if (weight is { } w)
        {
            await catalog.UpdateAsync(id, m => m.Weight = w, ct);
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
