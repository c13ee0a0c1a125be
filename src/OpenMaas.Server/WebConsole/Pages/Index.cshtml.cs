using Microsoft.Extensions.Localization;
using OpenMaas.Core.Catalog;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.WebConsole.Pages;

internal sealed class IndexModel(IStringLocalizer<ConsoleText> text, IModelCatalog catalog, ModelAccess access) : ConsolePageModel(text)
{
    public IReadOnlyList<ModelRecord> Popular { get; private set; } = [];

    public string BaseUrl => $"{Request.Scheme}://{Request.Host}/v1";

    public async Task OnGetAsync(CancellationToken ct)
    {
        var page = await catalog.QueryAsync(new ModelQuery { ApiInference = true, Sort = ModelSort.Downloads, PageSize = 6, Viewer = await access.ViewerAsync(User, ct) }, ct);
        Popular = page.Items;
    }
}
