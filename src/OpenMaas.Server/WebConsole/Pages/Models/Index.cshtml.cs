using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Catalog;
using OpenMaas.Server.Library;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Protocols.ModelScope;

namespace OpenMaas.Server.WebConsole.Pages.Models;

/// <summary>The library: the same query string as <c>/api/v1/models</c> (search, task, domain, api_inference, sort,
/// page), so links are shareable and Back works.</summary>
internal sealed class ModelsIndexModel(IStringLocalizer<ConsoleText> text, IModelCatalog catalog, ModelAccess access) : ConsolePageModel(text)
{
    public const int PageSize = 24;

    public ModelQuery Query { get; private set; } = new();

    public ModelPage Results { get; private set; } = new([], 0, 1, PageSize);

    public string? Error { get; private set; }

    public int Pages => (Results.Total + PageSize - 1) / PageSize;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var (query, error) = LibraryQuery.Parse(Request.Query);
        if (query is null)
        {
            Error = L["Some filters were not understood and were ignored."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            query = new ModelQuery();
        }

        Query = query with { PageSize = PageSize };
        Results = await catalog.QueryAsync(Query with { Viewer = await access.ViewerAsync(User, ct) }, ct);
        _ = error;
    }

    public string PageUrl(int page)
    {
        var q = new QueryBuilder(Request.Query.Where(p => p.Key != "page").SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? string.Empty))))
        {
            { "page", page.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        return "/models" + q.ToQueryString();
    }
}
