using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Library;

internal sealed class ApiInferencePolicy(
    IDbContextFactory<OpenMaasDbContext> factory,
    IOptionsMonitor<LibraryOptions> options,
    DownloadCalendar calendar,
    IChangeNotice notice,
    ILogger<ApiInferencePolicy> logger) : IApiInferencePolicy
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IReadOnlyList<string>> EvaluateAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var settings = options.CurrentValue;
            await using var db = await factory.CreateDbContextAsync(ct);
            var since = calendar.Today().AddDays(1 - settings.RecentDownloadDays);
            var recent = await db.Downloads.Where(d => d.Day >= since).GroupBy(d => d.ModelId)
                .Select(g => new { ModelId = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.ModelId, x => (long)x.Count, StringComparer.Ordinal, ct);
            var models = await db.Models.AsNoTracking()
                .Select(m => new { m.Id, m.Servable, m.ApiInferenceMode, m.Likes, m.CreatedAt, m.ApiInference }).ToListAsync(ct);
            var served = PopularityRanking.Served(
                models.Select(m => new PopularityRanking.Candidate(m.Id, m.Servable, m.ApiInferenceMode, m.Likes, recent.GetValueOrDefault(m.Id), m.CreatedAt)),
                settings);

            var on = models.Where(m => !m.ApiInference && served.Contains(m.Id)).Select(m => m.Id).ToArray();
            var off = models.Where(m => m.ApiInference && !served.Contains(m.Id)).Select(m => m.Id).ToArray();
            if (on.Length > 0)
            {
                await db.Models.Where(m => on.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.ApiInference, true), ct);
            }

            if (off.Length > 0)
            {
                await db.Models.Where(m => off.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.ApiInference, false), ct);
            }

            if (on.Length + off.Length > 0)
            {
                notice.Bump(); // the served set moved: every process drops its cached model records (ModelResolution)
            }

            foreach (var id in on)
            {
                LibraryLog.ApiInferenceChanged(logger, id, true);
            }

            foreach (var id in off)
            {
                LibraryLog.ApiInferenceChanged(logger, id, false);
            }

            return [.. on, .. off];
        }
        finally
        {
            _gate.Release();
        }
    }
}
