using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Library;
using OpenMaas.Core.Storage;

namespace OpenMaas.Server.WebConsole.Services;

/// <summary>The popularity score the API-Inference policy ranks by, for the models of one admin page.</summary>
internal sealed class PopularityScores(
    IDbContextFactory<OpenMaasDbContext> factory, DownloadCalendar calendar, IOptionsMonitor<LibraryOptions> options)
{
    public async Task<IReadOnlyDictionary<string, long>> ForAsync(IReadOnlyCollection<(string Id, long Likes)> models, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var settings = options.CurrentValue;
        var since = calendar.Today().AddDays(1 - settings.RecentDownloadDays);
        var ids = models.Select(m => m.Id).ToArray();
        var recent = await db.Downloads.Where(d => d.Day >= since && ids.Contains(d.ModelId)).GroupBy(d => d.ModelId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => (long)x.Count, StringComparer.Ordinal, ct);
        return models.ToDictionary(m => m.Id, m => PopularityRanking.Score(m.Likes, recent.GetValueOrDefault(m.Id), settings), StringComparer.Ordinal);
    }
}
