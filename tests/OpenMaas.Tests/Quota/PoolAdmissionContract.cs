using OpenMaas.Core.Quota;

namespace OpenMaas.Tests.Quota;

/// <summary>
/// What every counter must do with pools, per-minute limits and weights, run against the in-process counter and against
/// two Redis counters (two nodes) sharing one real Redis: calls alternate between <see cref="Counters"/>.
/// </summary>
public abstract class PoolAdmissionContract
{
    // Ahead of the clock: Redis expires a day's and a minute's counters after they end.
    protected static readonly DateOnly Day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
    protected static readonly long Minute = CallCost.MinuteOf(DateTimeOffset.UtcNow) + 1000;

    /// <summary>The counters calls are spread over (one, or one per node).</summary>
    protected abstract IQuotaCounter[] Counters { get; }

    /// <summary>A user id no other test of the class uses (counters are shared within a class).</summary>
    private static long _next = 1000;

    protected static long NewId() => Interlocked.Increment(ref _next);

    private IQuotaCounter On(int i) => Counters[i % Counters.Length];

    private async Task<Admission[]> FireAsync(int calls, Func<int, QuotaKey> key, EffectiveLimits limits, CallCost cost) =>
        await Task.WhenAll(Enumerable.Range(0, calls).Select(i => Task.Run(async () => await On(i).TryAdmitAsync(key(i), limits, cost))));

    [Fact]
    public async Task TwoHundredConcurrentCalls_AgainstAnRpmOfTwenty_AdmitExactlyTwenty_AndTheMinuteRolls()
    {
        var key = new QuotaKey(NewId(), "a/b", Day);
        var limits = new EffectiveLimits(10_000, null) { User = new PoolLimits(10_000, Rpm: 20) };
        var results = await FireAsync(200, _ => key, limits, new CallCost(1, 5, Minute));
        Assert.Equal(20, results.Count(r => r.Admitted));
        Assert.All(results.Where(r => !r.Admitted), r => Assert.Equal((QuotaVerdict.RequestRateReached, QuotaPool.User), (r.Verdict, r.Pool)));
        Assert.All(results.Where(r => !r.Admitted), r => Assert.Equal((20, 0), (r.Minute.RequestLimit!.Value, r.Minute.RequestsRemaining)));
        Assert.Equal(20, (await On(0).GetUsedAsync(key.UserId, Day)).Total); // the 180 refusals spent no daily unit

        var next = await FireAsync(50, _ => key, limits, new CallCost(1, 5, Minute + 1));
        Assert.Equal(20, next.Count(r => r.Admitted));
        Assert.Equal(0, next.Where(r => r.Admitted).Min(r => r.Minute.RequestsRemaining));
    }

    [Fact]
    public async Task TokensPerMinute_AdmitOnTheEstimate_AndSettleWithTheRealCount()
    {
        var key = new QuotaKey(NewId(), "a/b", Day);
        var limits = new EffectiveLimits(10_000, null) { UserModel = new PoolLimits(Tpm: 100) };
        var estimate = new CallCost(1, 40, Minute);
        Assert.True((await On(0).TryAdmitAsync(key, limits, estimate)).Admitted);
        var second = await On(1).TryAdmitAsync(key, limits, estimate);
        Assert.Equal((true, 100, 20L), (second.Admitted, second.Minute.TokenLimit!.Value, second.Minute.TokensRemaining));
        var third = await On(0).TryAdmitAsync(key, limits, estimate);
        Assert.Equal((QuotaVerdict.TokenRateReached, QuotaPool.UserModel), (third.Verdict, third.Pool));

        // The first call really used 10 tokens: 50 are counted, so a third of 40 fits (90), then one of 11 does not.
        await On(1).SettleTokensAsync(key, estimate, limits, 10);
        Assert.True((await On(0).TryAdmitAsync(key, limits, estimate)).Admitted);
        Assert.Equal(QuotaVerdict.TokenRateReached, (await On(1).TryAdmitAsync(key, limits, new CallCost(1, 11, Minute))).Verdict);
        Assert.True((await On(0).TryAdmitAsync(key, limits, new CallCost(1, 10, Minute))).Admitted);

        // A call that used more than its estimate counts more.
        var other = new QuotaKey(NewId(), "a/b", Day);
        Assert.True((await On(0).TryAdmitAsync(other, limits, new CallCost(1, 10, Minute))).Admitted);
        await On(1).SettleTokensAsync(other, new CallCost(1, 10, Minute), limits, 95);
        Assert.Equal(QuotaVerdict.TokenRateReached, (await On(0).TryAdmitAsync(other, limits, new CallCost(1, 10, Minute))).Verdict);
        Assert.True((await On(1).TryAdmitAsync(other, limits, new CallCost(1, 5, Minute))).Admitted);
    }

    [Fact]
    public async Task AWeightTwoCall_SpendsTwoUnits_OfEveryDailyPool()
    {
        var key = new QuotaKey(NewId(), "a/b", Day, TokenId: NewId(), OrganizationId: NewId());
        var limits = new EffectiveLimits(5, null, 100) { Organization = new PoolLimits(100), Member = new PoolLimits(100) };
        var heavy = new CallCost(2, 1, Minute);
        var first = await On(0).TryAdmitAsync(key, limits, heavy);
        Assert.Equal((2, 2, 2, 2, 2), (first.Used, first.ModelUsed, first.TokenUsed, first.OrganizationUsed, first.MemberUsed));
        Assert.True((await On(1).TryAdmitAsync(key, limits, heavy)).Admitted);
        Assert.Equal(QuotaVerdict.DailyLimitReached, (await On(0).TryAdmitAsync(key, limits, heavy)).Verdict); // 4 + 2 > 5
        Assert.True((await On(1).TryAdmitAsync(key, limits, new CallCost(1, 1, Minute))).Admitted); // 4 + 1 = 5
        Assert.Equal(5, (await On(0).GetUsedAsync(key.UserId, Day)).Total);
        Assert.Equal((5, 5), await On(1).GetOrganizationUsedAsync(key.OrganizationId!.Value, key.UserId, Day));
    }

    [Fact]
    public async Task ThousandConcurrentCalls_InOneOrganisation_AdmitExactlyTheOrganisationsPool_AndEveryMembersCap()
    {
        var org = NewId();
        var users = Enumerable.Range(0, 5).Select(_ => NewId()).ToArray();
        var limits = new EffectiveLimits(10_000, null) { Organization = new PoolLimits(300), Member = new PoolLimits(70) };
        var results = await FireAsync(1000, i => new QuotaKey(users[i % 5], "a/b", Day, OrganizationId: org), limits, new CallCost(1, 1, Minute));
        // Five members of at most 70 each would be 350: the organisation's 300 holds first.
        Assert.Equal(300, results.Count(r => r.Admitted));
        Assert.All(results.Where(r => !r.Admitted), r => Assert.Contains(r.Verdict, new[] { QuotaVerdict.OrganizationLimitReached, QuotaVerdict.MemberLimitReached }));
        var perMember = await Task.WhenAll(users.Select(async u => (await On(0).GetOrganizationUsedAsync(org, u, Day)).Member));
        Assert.All(perMember, n => Assert.InRange(n, 0, 70));
        Assert.Equal(300, perMember.Sum());
        Assert.Equal(300, (await On(1).GetOrganizationUsedAsync(org, users[0], Day)).Organization);

        // A member's cap alone: 1,000 calls by one member against a cap of 100 in a roomy organisation.
        var alone = NewId();
        var capped = limits with { Organization = new PoolLimits(100_000), Member = new PoolLimits(100) };
        var one = await FireAsync(1000, _ => new QuotaKey(alone, "a/b", Day, OrganizationId: org), capped, new CallCost(1, 1, Minute));
        Assert.Equal(100, one.Count(r => r.Admitted));
        Assert.All(one.Where(r => !r.Admitted), r => Assert.Equal(QuotaVerdict.MemberLimitReached, r.Verdict));
        Assert.Equal((400, 100), await On(0).GetOrganizationUsedAsync(org, alone, Day));
    }

    [Fact]
    public async Task ACallRefusedByOneLimit_ConsumesNoneOfTheOthers_AndARefundRestoresEveryPool()
    {
        var model = "m/" + NewId();
        var key = new QuotaKey(NewId(), model, Day, TokenId: NewId(), OrganizationId: NewId());
        var one = new PoolLimits(1, 1, 10);
        var limits = new EffectiveLimits(1, 1, 1) { User = one, UserModel = one, Token = one, Organization = one, Member = one, Model = one };
        var cost = new CallCost(1, 10, Minute);
        Assert.True((await On(0).TryAdmitAsync(key, limits, cost)).Admitted);
        var refused = await On(1).TryAdmitAsync(key, limits, cost);
        Assert.False(refused.Admitted);

        await On(1).RefundAsync(key, cost, limits);
        Assert.Equal(0, (await On(0).GetUsedAsync(key.UserId, Day)).Total);
        Assert.Equal((0, 0), await On(0).GetOrganizationUsedAsync(key.OrganizationId!.Value, key.UserId, Day));
        var again = await On(0).TryAdmitAsync(key, limits, cost);
        Assert.True(again.Admitted, $"after the refund: {again.Verdict} by {again.Pool}");

        // The model's global RPM of 1 is spent: another user's call is refused by it, and spends nothing of its own pools.
        var other = new QuotaKey(NewId(), model, Day);
        var byModel = await On(1).TryAdmitAsync(other, new EffectiveLimits(5, null) { Model = new PoolLimits(null, 1, null) }, cost);
        Assert.Equal((QuotaVerdict.RequestRateReached, QuotaPool.Model), (byModel.Verdict, byModel.Pool));
        Assert.Equal(0, (await On(0).GetUsedAsync(other.UserId, Day)).Total);
    }
}

public sealed class InMemoryPoolAdmissionTests : PoolAdmissionContract
{
    private readonly InMemoryQuotaCounter _counter = new();

    public InMemoryPoolAdmissionTests() => _counter.MarkReady();

    protected override IQuotaCounter[] Counters => [_counter];
}
