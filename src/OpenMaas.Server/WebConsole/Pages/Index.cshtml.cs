using Microsoft.Extensions.Localization;
using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.WebConsole.Pages;

internal sealed class IndexModel(IStringLocalizer<ConsoleText> text, IModelCatalog catalog) : ConsolePageModel(text)
{
    public IReadOnlyList<ModelRecord> Popular { get; private set; } = [];

    public string BaseUrl => $"{Request.Scheme}://{Request.Host}/v1";

    public async Task OnGetAsync(CancellationToken ct)
    {
        var page = await catalog.QueryAsync(new ModelQuery { ApiInference = true, Sort = ModelSort.Downloads, PageSize = 6 }, ct);
        Popular = page.Items;
    }
}
