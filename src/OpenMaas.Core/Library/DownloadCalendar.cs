namespace OpenMaas.Core.Library;

/// <summary>The calendar day downloads are counted in (UTC), from the injected clock.</summary>
public sealed class DownloadCalendar(TimeProvider clock)
{
    public DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
