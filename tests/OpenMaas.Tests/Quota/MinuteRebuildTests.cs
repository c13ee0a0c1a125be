using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Storage;
using OpenMaas.Core.Usage;
using OpenMaas.Server.Cli;

namespace OpenMaas.Tests.Quota;

/// <summary>The in-process counter's current minute window is rebuilt from the usage log at startup (a real SQLite
/// database), as the day's units are: a restart does not open a fresh minute's worth of requests and tokens.</summary>
public sealed class MinuteRebuildTests : IAsyncLifetime
{
    private const int InMinute = 1200; // more than one page of the read-back (UsageQueries.PageSize)
    private const int TokensEach = 10;

    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", "minute-rebuild-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        _services = await CliServices.CreateAsync(_data);
    }

    [Fact]
    public async Task ARestart_KeepsTheCurrentMinutesRequestsAndTokens_InEveryPool_AndNothingOlder()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 6, 30, 40, TimeSpan.Zero));
        var calendar = new QuotaCalendar(clock, _services.GetRequiredService<IOptions<QuotaOptions>>());
        var day = calendar.Today().Date;
        var minuteStart = new DateTimeOffset(2026, 12, 2, 6, 30, 0, TimeSpan.Zero);
        await using (var db = await _services.GetRequiredService<IDbContextFactory<OpenMaasDbContext>>().CreateDbContextAsync())
        {
            // Not this minute's: admitted in the last one (one of them ended in this one), and a refunded call; appended
            // in the order the calls ended, as the usage log is.
            db.Usage.Add(Record(minuteStart.AddSeconds(-10), 100, counted: true));
            db.Usage.Add(Record(minuteStart.AddSeconds(-1), 5000, counted: true));
            db.Usage.Add(Record(minuteStart.AddSeconds(5), 100, counted: false));
            db.Usage.AddRange(Enumerable.Range(0, InMinute).Select(i => Record(minuteStart.AddMilliseconds(i * 20), 50, counted: true)));
            await db.SaveChangesAsync();
        }

        var counter = new InMemoryQuotaCounter();
        await new QuotaCounterRebuilder(counter, _services.GetRequiredService<IUsageQueries>(), calendar, NullLogger<QuotaCounterRebuilder>.Instance)
            .StartAsync(CancellationToken.None);

        var key = new QuotaKey(1, "acme/m", day, TokenId: 7, OrganizationId: 3);
        var cost = new CallCost(1, 1, CallCost.MinuteOf(clock.GetUtcNow()));
        var none = new EffectiveLimits(100_000, null);
        var full = new PoolLimits(Rpm: InMinute);
        foreach (var (pool, limits) in new (QuotaPool, EffectiveLimits)[]
        {
            (QuotaPool.User, none with { User = new PoolLimits(100_000, InMinute) }),
            (QuotaPool.UserModel, none with { UserModel = full }),
            (QuotaPool.Token, none with { Token = full }),
            (QuotaPool.Organization, none with { Organization = full }),
            (QuotaPool.Member, none with { Member = full }),
            (QuotaPool.Model, none with { Model = full }),
        })
        {
            var refused = await counter.TryAdmitAsync(key, limits, cost);
            Assert.True(refused.Verdict == QuotaVerdict.RequestRateReached && refused.Pool == pool, $"{pool}: {refused.Verdict} in {refused.Pool}");
        }

        var tokens = await counter.TryAdmitAsync(key, none with { Token = new PoolLimits(Tpm: InMinute * TokensEach) }, cost);
        Assert.Equal((QuotaVerdict.TokenRateReached, QuotaPool.Token), (tokens.Verdict, tokens.Pool));

        // Exactly this minute's calls were counted: one more request fits in every pool, then none.
        var room = new PoolLimits(Rpm: InMinute + 1, Tpm: (InMinute * TokensEach) + 1);
        var every = none with { User = new PoolLimits(100_000, InMinute + 1), UserModel = room, Token = room, Organization = room, Member = room, Model = room };
        Assert.Equal(QuotaVerdict.Admitted, (await counter.TryAdmitAsync(key, every, cost)).Verdict);
        Assert.Equal(QuotaVerdict.RequestRateReached, (await counter.TryAdmitAsync(key, every, cost)).Verdict);

        // The day's units are rebuilt as before: every counted call of the day, whatever its minute.
        Assert.Equal(InMinute + 2 + 1, (await counter.GetUsedAsync(1, day)).Total);

        UsageRecord Record(DateTimeOffset at, double latencyMs, bool counted) => new()
        {
            At = at,
            Day = day,
            UserId = 1,
            TokenId = 7,
            OrganizationId = 3,
            ModelId = "acme/m",
            Endpoint = "chat.completions",
            Status = counted ? 200 : 500,
            LatencyMs = latencyMs,
            PromptTokens = TokensEach / 2,
            CompletionTokens = TokensEach / 2,
            RequestId = Guid.NewGuid().ToString("N"),
            Counted = counted,
        };
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
