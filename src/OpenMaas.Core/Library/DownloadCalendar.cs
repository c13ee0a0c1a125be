using Microsoft.Extensions.Options;
using OpenMaas.Core.Quota;

namespace OpenMaas.Core.Library;

/// <summary>The calendar day downloads are counted in: the quota's day (<c>Quota:TimeZone</c>), from the injected clock,
/// so "once per user per day" means the same day as the daily quota.</summary>
public sealed class DownloadCalendar(TimeProvider clock, IOptions<QuotaOptions> quota)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(quota.Value.TimeZone);

    public DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), _zone).Date);
}
