using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Server.Pipeline;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

/// <summary>The real server on a fake clock: local midnight in Asia/Shanghai resets the counters, UTC midnight does
/// not; and a call that fails on the server before any output is refunded.</summary>
[Trait("Category", "Slow")]
public sealed class QuotaClockTests(QuotaClockTests.Fixture server) : IClassFixture<QuotaClockTests.Fixture>
{
    public sealed class Fixture : ServerFixture
    {
        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 15, 59, 59, TimeSpan.Zero));

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
    }

    [Fact]
    public async Task ShanghaiMidnight_ResetsTheCounters_UtcMidnightDoesNot()
    {
        server.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 15, 59, 59, TimeSpan.Zero)); // 23:59:59 +08:00
        var (user, token) = await server.CreateUserAsync("midnight");
        await server.SetLimitAsync(user.Id, null, 1);
        using var http = server.CreateClient(token);

        using (var ok = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("1", ok.Header(QuotaResponses.LimitHeader));
            Assert.Equal("0", ok.Header(QuotaResponses.RemainingHeader));
        }

        using (var over = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
            Assert.Equal("1", over.Header("Retry-After"));
            var (message, type, code) = await over.ErrorAsync();
            Assert.Equal(("rate_limit_exceeded", "daily_quota_exceeded"), (type, code));
            Assert.Contains("all 1 calls", message, StringComparison.Ordinal);
            Assert.Contains("resets at 2026-11-28 00:00 +08:00", message, StringComparison.Ordinal);
        }

        server.Clock.Advance(TimeSpan.FromSeconds(1)); // 00:00:00 +08:00: a new quota day
        using (var next = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        server.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 28, 23, 59, 59, TimeSpan.Zero)); // 07:59:59 +08:00 on the 29th
        using (var morning = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, morning.StatusCode);
        }

        server.Clock.Advance(TimeSpan.FromSeconds(1)); // UTC midnight: not a boundary
        using var stillOver = await http.ChatAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, stillOver.StatusCode);
        Assert.Equal((16 * 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), stillOver.Header("Retry-After"));
        Assert.Contains("resets at 2026-11-30 00:00 +08:00", (await stillOver.ErrorAsync()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelThatCannotLoad_FailsBeforeAdmission_AndCostsNothing()
    {
        var broken = Path.Combine(server.DataPath, "broken.gguf");
        File.Copy(TestAssets.StoriesGguf, broken);
        await server.RegisterModelAsync(broken, "broken/stories", link: true);
        await using (var file = File.OpenWrite(broken))
        {
            file.SetLength(4096); // a real runtime failure: llama.cpp cannot load a truncated file
        }

        var (user, token) = await server.CreateUserAsync("refund");
        await server.SetLimitAsync(user.Id, null, 1);
        using var http = server.CreateClient(token);
        for (var i = 0; i < 3; i++)
        {
            using var failed = await http.ChatAsync("broken/stories");
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
        using (var ok = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal(1, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
        var day = server.Services.GetRequiredService<QuotaCalendar>().Today().Date;
        var records = await server.Services.GetRequiredService<IUsageQueries>().RecordsAsync(user.Id, day);
        // The model is loaded (to check the prompt against it) before admission: its failure is never admitted.
        Assert.DoesNotContain(records, r => r.ModelId == "broken/stories");
        Assert.Single(records, r => r.Counted && r.Status == 200 && r.CompletionTokens == 1);
    }

    [Theory]
    [InlineData("prompt longer than the context", 2000, 1)]
    [InlineData("max_tokens beyond the context", 1, 100_000)]
    public async Task BadRequestThatNeedsTheModel_IsDecidedBeforeAdmission_AndWritesNoRecord(string why, int repeats, int maxTokens)
    {
        var (user, token) = await server.CreateUserAsync("before-admission-" + maxTokens);
        await server.SetLimitAsync(user.Id, null, 1);
        using var http = server.CreateClient(token);
        var prompt = string.Join(' ', Enumerable.Repeat("once upon a time", repeats));
        using (var bad = await http.PostAsync(QuotaTestExtensions.Chat, new StringContent($$"""{"model":"{{TestAssets.StoriesId}}","messages":[{"role":"user","content":"{{prompt}}"}],"max_tokens":{{maxTokens}}}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, why);
            Assert.Empty(bad.Header(QuotaResponses.LimitHeader)); // never reached admission
        }

        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
        using (var ok = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // the one call of the day is still there
        }

        var day = server.Services.GetRequiredService<QuotaCalendar>().Today().Date;
        var records = await server.Services.GetRequiredService<IUsageQueries>().RecordsAsync(user.Id, day);
        Assert.Equal(200, Assert.Single(records).Status);
    }
}

/// <summary>Another zone from the settings: midnight in New York (UTC−5 in November) resets the counters.</summary>
[Trait("Category", "Slow")]
public sealed class QuotaTimeZoneTests(QuotaTimeZoneTests.Fixture server) : IClassFixture<QuotaTimeZoneTests.Fixture>
{
    public sealed class Fixture : ServerFixture
    {
        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 28, 4, 59, 59, TimeSpan.Zero));

        protected override IEnumerable<string> Settings => ["Quota:TimeZone=America/New_York"];

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
    }

    [Fact]
    public async Task ConfiguredZoneMidnight_ResetsTheCounters()
    {
        var (user, token) = await server.CreateUserAsync("newyork");
        await server.SetLimitAsync(user.Id, null, 1);
        using var http = server.CreateClient(token);
        (await http.ChatAsync()).Dispose();
        using (var over = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
            Assert.Contains("resets at 2026-11-28 00:00 -05:00", (await over.ErrorAsync()).Message, StringComparison.Ordinal);
        }

        server.Clock.Advance(TimeSpan.FromSeconds(1));
        using var next = await http.ChatAsync();
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var today = (await http.UsageAsync()).GetProperty("todayUsage");
        Assert.Equal("2026-11-28", today.GetProperty("date").GetString());
        Assert.Equal("2026-11-29T00:00:00-05:00", today.GetProperty("resetsAt").GetString());
    }
}
