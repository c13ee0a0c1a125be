using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>Reads the library's query string (<c>search, task, domain, api_inference, sort, page, page_size</c>) and
/// reports every invalid parameter at once.</summary>
internal static class LibraryQuery
{
    public static (ModelQuery? Query, string? Error) Parse(IQueryCollection q)
    {
        var errors = new List<string>();
        var query = new ModelQuery { Search = Value(q, "search"), Task = Value(q, "task") };
        if (Value(q, "domain") is { } domain)
        {
            query = query with { Domain = ModelDomains.Normalize(domain) };
            if (query.Domain is null)
            {
                errors.Add($"domain must be one of {string.Join(", ", ModelDomains.All)}, not '{domain}'.");
            }
        }

        if (Value(q, "api_inference") is { } served)
        {
            query = query with { ApiInference = bool.TryParse(served, out var b) ? b : null };
            if (query.ApiInference is null)
            {
                errors.Add($"api_inference must be true or false, not '{served}'.");
            }
        }

        if (Value(q, "sort") is { } sort)
        {
            if (Enum.TryParse<ModelSort>(sort, ignoreCase: true, out var s) && !int.TryParse(sort, out _))
            {
                query = query with { Sort = s };
            }
            else
            {
                errors.Add($"sort must be downloads, likes, updated or name, not '{sort}'.");
            }
        }

        query = query with
        {
            Page = Number(q, "page", 1, int.MaxValue, query.Page, errors),
            PageSize = Number(q, "page_size", 1, ModelQuery.MaxPageSize, query.PageSize, errors),
        };
        return errors.Count == 0 ? (query, null) : (null, string.Join(" ", errors));
    }

    private static string? Value(IQueryCollection q, string name) => q.TryGetValue(name, out var v) && v.ToString() is { Length: > 0 } s ? s : null;

    private static int Number(IQueryCollection q, string name, int min, int max, int fallback, List<string> errors)
    {
        if (Value(q, name) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors.Add($"{name} must be a whole number from {min} to {max}, not '{text}'.");
        return fallback;
    }
}
