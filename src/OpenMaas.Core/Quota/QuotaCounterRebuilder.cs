using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenMaas.Core.Usage;

namespace OpenMaas.Core.Quota;

/// <summary>Rebuilds today's in-process counters (daily units, and the current minute's requests and tokens) from the
/// usage log before the server takes requests, so a restart (or a crash) never shows fewer calls than had completed.</summary>
internal sealed class QuotaCounterRebuilder(
    InMemoryQuotaCounter counter,
    IUsageQueries usage,
    QuotaCalendar calendar,
    ILogger<QuotaCounterRebuilder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var today = calendar.Today().Date;
        var totals = await usage.PerModelAsync(null, today, cancellationToken);
        foreach (var t in totals)
        {
            counter.Seed(new QuotaKey(t.UserId, t.ModelId!, today), t.Units);
        }

        foreach (var t in await usage.PerTokenAsync(null, today, cancellationToken))
        {
            counter.SeedToken(t.UserId, t.TokenId, today, t.Units);
        }

        foreach (var o in await usage.PerOrganizationAsync(today, cancellationToken))
        {
            counter.SeedOrganization(o.OrganizationId, o.UserId, today, o.Units);
        }

        // The current minute window too, so a restart does not open a fresh minute's worth of requests and tokens.
        var minute = CallCost.MinuteOf(calendar.Clock.GetUtcNow());
        foreach (var m in await usage.SinceAsync(DateTimeOffset.FromUnixTimeSeconds(minute * 60), cancellationToken))
        {
            counter.SeedMinute(new QuotaKey(m.UserId, m.ModelId, today, m.TokenId, m.OrganizationId), minute, m.Requests, m.Tokens);
        }

        counter.MarkReady();
        QuotaLog.Rebuilt(logger, totals.Sum(t => t.Units), totals.Select(t => t.UserId).Distinct().Count(), today);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
