using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core.Quota;

namespace OpenMaas.Tests.Quota;

public sealed class QuotaCalendarTests
{
    private static QuotaCalendar Calendar(DateTimeOffset now, string zone = "Asia/Shanghai") =>
        new(new FakeTimeProvider(now), Options.Create(new QuotaOptions { TimeZone = zone }));

    [Fact]
    public void ShanghaiMidnight_StartsANewDay()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 23, 59, 59, TimeSpan.FromHours(8)));
        var calendar = new QuotaCalendar(clock, Options.Create(new QuotaOptions()));
        var before = calendar.Today();
        Assert.Equal(new DateOnly(2026, 11, 27), before.Date);
        Assert.Equal("2026-11-28 00:00 +08:00", before.ResetText);
        Assert.Equal(1, before.SecondsUntilReset(clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DateOnly(2026, 11, 28), calendar.Today().Date);
    }

    [Fact]
    public void UtcMidnight_IsNotAQuotaDayBoundary()
    {
        var calendar = Calendar(new DateTimeOffset(2026, 11, 27, 23, 59, 59, TimeSpan.Zero));
        Assert.Equal(calendar.DayOf(new DateTimeOffset(2026, 11, 27, 23, 59, 59, TimeSpan.Zero)).Date, calendar.DayOf(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)).Date);
        Assert.Equal(new DateOnly(2026, 11, 28), calendar.Today().Date);
    }

    [Fact]
    public void AnotherZone_IsHonoured()
    {
        var calendar = Calendar(new DateTimeOffset(2026, 11, 28, 4, 59, 59, TimeSpan.Zero), "America/New_York");
        Assert.Equal(new DateOnly(2026, 11, 27), calendar.Today().Date);
        Assert.Equal("2026-11-28 00:00 -05:00", calendar.Today().ResetText);
        Assert.Equal(new DateOnly(2026, 11, 28), calendar.DayOf(new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero)).Date);
    }

    [Fact]
    public void UnknownZone_FailsValidation()
    {
        var options = new QuotaOptions { TimeZone = "Mars/Olympus" };
        Assert.NotEmpty(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
    }
}
