using Microsoft.EntityFrameworkCore;

namespace OpenMaas.Core.Catalog;

/// <summary>The library search as SQL: filters, then a total order (ties broken by ID) so pages never overlap.</summary>
internal static class ModelFilters
{
    public static IQueryable<ModelRecord> Apply(IQueryable<ModelRecord> models, ModelQuery query)
    {
        if (query.Search is { Length: > 0 } search)
        {
            var pattern = "%" + search.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
                .Replace("_", @"\_", StringComparison.Ordinal) + "%";
            models = models.Where(m => EF.Functions.Like(m.Id, pattern, @"\")
                || EF.Functions.Like(m.DisplayName!, pattern, @"\")
                || EF.Functions.Like(m.Description!, pattern, @"\")
                || m.Tags.Any(t => EF.Functions.Like(t, pattern, @"\")));
        }

        if (query.Task is { Length: > 0 } task)
        {
            models = models.Where(m => m.Task == task);
        }

        if (query.Domain is { } domain)
        {
            if (domain == ModelDomains.Other)
            {
                var known = ModelDomains.KnownTasks.ToArray();
                models = models.Where(m => !known.Contains(m.Task));
            }
            else
            {
                var tasks = ModelDomains.TasksOf(domain).ToArray();
                models = models.Where(m => tasks.Contains(m.Task));
            }
        }

        if (query.ApiInference is { } served)
        {
            models = models.Where(m => m.ApiInference == served);
        }

        return models;
    }

    public static IQueryable<ModelRecord> Sort(IQueryable<ModelRecord> models, ModelSort sort) => sort switch
    {
        ModelSort.Likes => models.OrderByDescending(m => m.Likes).ThenBy(m => m.Id),
        ModelSort.Updated => models.OrderByDescending(m => m.UpdatedAt).ThenBy(m => m.Id),
        ModelSort.Name => models.OrderBy(m => m.Id),
        _ => models.OrderByDescending(m => m.Downloads).ThenBy(m => m.Id),
    };
}
