using OpenMaas.Core.Quota;

namespace OpenMaas.Tests.Quota;

public sealed class InMemoryQuotaCounterTests
{
    private static readonly DateOnly Day = new(2026, 11, 28);

    private static InMemoryQuotaCounter Ready()
    {
        var counter = new InMemoryQuotaCounter();
        counter.MarkReady();
        return counter;
    }

    [Fact]
    public async Task Admit_RejectsWhenDailyLimitReached()
    {
        var counter = Ready();
        var key = new QuotaKey(1, "a/b", Day);
        Assert.True((await counter.TryAdmitAsync(key, new EffectiveLimits(2, null))).Admitted);
        Assert.True((await counter.TryAdmitAsync(key, new EffectiveLimits(2, null))).Admitted);
        var third = await counter.TryAdmitAsync(key, new EffectiveLimits(2, null));
        Assert.Equal(QuotaVerdict.DailyLimitReached, third.Verdict);
        Assert.Equal(2, third.Used);
    }

    [Fact]
    public async Task ModelCapRejection_ConsumesNothingOfTheDailyTotal()
    {
        var counter = Ready();
        var limits = new EffectiveLimits(10, 1);
        Assert.True((await counter.TryAdmitAsync(new QuotaKey(1, "a/b", Day), limits)).Admitted);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(QuotaVerdict.ModelLimitReached, (await counter.TryAdmitAsync(new QuotaKey(1, "a/b", Day), limits)).Verdict);
        }

        var other = await counter.TryAdmitAsync(new QuotaKey(1, "c/d", Day), new EffectiveLimits(10, null));
        Assert.Equal(2, other.Used);
    }

    [Fact]
    public async Task Refund_GivesTheCallBack()
    {
        var counter = Ready();
        var key = new QuotaKey(1, "a/b", Day);
        Assert.True((await counter.TryAdmitAsync(key, new EffectiveLimits(1, 1))).Admitted);
        await counter.RefundAsync(key);
        var again = await counter.TryAdmitAsync(key, new EffectiveLimits(1, 1));
        Assert.True(again.Admitted);
        Assert.Equal((1, 1), (again.Used, again.ModelUsed));
    }

    [Fact]
    public async Task ConcurrentAdmissions_AdmitExactlyTheLimit()
    {
        var counter = Ready();
        var admitted = 0;
        await Parallel.ForAsync(0, 20_000, async (i, ct) =>
        {
            var key = new QuotaKey(1, i % 2 == 0 ? "a/b" : "c/d", Day);
            if ((await counter.TryAdmitAsync(key, new EffectiveLimits(1000, 300), ct)).Admitted)
            {
                Interlocked.Increment(ref admitted);
            }
        });
        Assert.Equal(600, admitted);
        var (total, perModel) = await counter.GetUsedAsync(1, Day);
        Assert.Equal(600, total);
        Assert.Equal(300, perModel["a/b"]);
    }

    [Fact]
    public async Task Days_AreCountedSeparately_AndOldDaysDropped()
    {
        var counter = Ready();
        counter.Seed(new QuotaKey(1, "a/b", Day), 5);
        Assert.Equal(QuotaVerdict.DailyLimitReached, (await counter.TryAdmitAsync(new QuotaKey(1, "a/b", Day), new EffectiveLimits(5, null))).Verdict);
        Assert.True((await counter.TryAdmitAsync(new QuotaKey(1, "a/b", Day.AddDays(1)), new EffectiveLimits(5, null))).Admitted);
        await counter.TryAdmitAsync(new QuotaKey(1, "a/b", Day.AddDays(3)), new EffectiveLimits(5, null));
        Assert.Equal(0, (await counter.GetUsedAsync(1, Day)).Total);
    }

    [Fact]
    public async Task Admission_WaitsForTheRebuild()
    {
        var counter = new InMemoryQuotaCounter();
        var pending = counter.TryAdmitAsync(new QuotaKey(1, "a/b", Day), new EffectiveLimits(5, null)).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        counter.Seed(new QuotaKey(1, "a/b", Day), 5);
        counter.MarkReady();
        Assert.Equal(QuotaVerdict.DailyLimitReached, (await pending).Verdict);
    }

    [Fact]
    public async Task TokenCap_JoinsTheAdmission_AndItsRejectionsConsumeNothing()
    {
        var counter = Ready();
        var limits = new EffectiveLimits(10, null, 2);
        var capped = new QuotaKey(1, "a/b", Day, TokenId: 7);
        Assert.Equal(1, (await counter.TryAdmitAsync(capped, limits)).TokenUsed);
        Assert.Equal(2, (await counter.TryAdmitAsync(capped, limits)).TokenUsed);
        for (var i = 0; i < 5; i++)
        {
            var refused = await counter.TryAdmitAsync(capped, limits);
            Assert.Equal(QuotaVerdict.TokenLimitReached, refused.Verdict);
            Assert.Equal(2, refused.Used);
        }

        // The user's other token has no cap of its own and counts against the same daily total.
        var other = await counter.TryAdmitAsync(new QuotaKey(1, "a/b", Day, TokenId: 8), new EffectiveLimits(10, null));
        Assert.True(other.Admitted);
        Assert.Equal(3, other.Used);
        Assert.Equal(1, other.TokenUsed);
    }

    [Fact]
    public async Task TokenRefund_GivesTheTokensCallBack()
    {
        var counter = Ready();
        var key = new QuotaKey(1, "a/b", Day, TokenId: 7);
        var limits = new EffectiveLimits(10, null, 1);
        Assert.True((await counter.TryAdmitAsync(key, limits)).Admitted);
        await counter.RefundAsync(key);
        Assert.True((await counter.TryAdmitAsync(key, limits)).Admitted);
        Assert.Equal(QuotaVerdict.TokenLimitReached, (await counter.TryAdmitAsync(key, limits)).Verdict);
    }

    [Fact]
    public async Task SeededTokenCalls_CountAgainstTheTokenCap()
    {
        var counter = new InMemoryQuotaCounter();
        counter.Seed(new QuotaKey(1, "a/b", Day), 3);
        counter.SeedToken(1, 7, Day, 3);
        counter.MarkReady();
        var refused = await counter.TryAdmitAsync(new QuotaKey(1, "a/b", Day, 7), new EffectiveLimits(10, null, 3));
        Assert.Equal(QuotaVerdict.TokenLimitReached, refused.Verdict);
        Assert.Equal(3, refused.TokenUsed);
    }

    [Fact]
    public async Task UnderConcurrency_ExactlyTheSmallestLimitIsAdmitted()
    {
        foreach (var (limits, expected, verdict) in new[]
        {
            (new EffectiveLimits(300, 200, 100), 100, QuotaVerdict.TokenLimitReached),
            (new EffectiveLimits(300, 50, 100), 50, QuotaVerdict.ModelLimitReached),
            (new EffectiveLimits(25, 50, 100), 25, QuotaVerdict.DailyLimitReached),
        })
        {
            var counter = Ready();
            var key = new QuotaKey(1, "a/b", Day, 7);
            var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(async () => await counter.TryAdmitAsync(key, limits))));
            Assert.Equal(expected, results.Count(r => r.Admitted));
            Assert.All(results.Where(r => !r.Admitted), r => Assert.Equal(verdict, r.Verdict));
        }
    }
}
