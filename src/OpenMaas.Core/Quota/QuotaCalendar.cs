using Microsoft.Extensions.Options;

namespace OpenMaas.Core.Quota;

/// <summary>One quota day: the calendar date in the quota zone and the instant its counters reset.</summary>
public readonly record struct QuotaDay(DateOnly Date, DateTimeOffset ResetsAt)
{
    /// <summary>Whole seconds until the reset, at least 1 (for <c>Retry-After</c>).</summary>
    public long SecondsUntilReset(DateTimeOffset now) => Math.Max(1, (long)Math.Ceiling((ResetsAt - now).TotalSeconds));

    /// <summary>The reset time as people read it, e.g. <c>2026-11-28 00:00 +08:00</c>.</summary>
    public string ResetText => ResetsAt.ToString("yyyy-MM-dd HH:mm zzz", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Maps instants from the injected <see cref="TimeProvider"/> to quota days in <c>Quota:TimeZone</c>.</summary>
public sealed class QuotaCalendar(TimeProvider clock, IOptions<QuotaOptions> options)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public TimeProvider Clock => clock;

    public QuotaDay Today() => DayOf(clock.GetUtcNow());

    public QuotaDay DayOf(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Zone);
        var nextMidnight = local.Date.AddDays(1);
        return new QuotaDay(DateOnly.FromDateTime(local.Date), new DateTimeOffset(nextMidnight, Zone.GetUtcOffset(nextMidnight)));
    }
}
