using BenchmarkDotNet.Attributes;
using OpenMaas.Core.Quota;

namespace OpenMaas.Bench.Quota;

/// <summary>Admission alone: one atomic check-and-count over the daily total and a model cap, and over every pool.</summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private static readonly DateOnly Day = new(2026, 11, 28);
    private readonly InMemoryQuotaCounter _counter = new();
    private readonly EffectiveLimits _limits = new(int.MaxValue, null);
    private readonly EffectiveLimits _capped = new(int.MaxValue, int.MaxValue);
    private readonly EffectiveLimits _full = new(0, null);
    private QuotaKey _key = new(1, "karpathy/stories260K", Day);
    private static readonly PoolLimits Big = new(int.MaxValue, int.MaxValue, int.MaxValue);
    private readonly EffectiveLimits _every = new(int.MaxValue, int.MaxValue, int.MaxValue)
    {
        User = Big, UserModel = Big, Token = Big, Organization = Big, Member = Big, Model = Big,
    };
    private readonly QuotaKey _everyKey = new(2, "karpathy/stories260K", Day, TokenId: 7, OrganizationId: 3);
    private readonly CallCost _cost = new(1, 0, 29_000_000); // tokens 0: a pool's minute count never reaches its limit

    [GlobalSetup]
    public void Setup() => _counter.MarkReady();

    [Benchmark(Baseline = true)]
    public bool Admit_DailyLimitOnly() => _counter.TryAdmitAsync(_key, _limits).Result.Admitted;

    [Benchmark]
    public bool Admit_WithModelCap() => _counter.TryAdmitAsync(_key, _capped).Result.Admitted;

    [Benchmark]
    public bool Reject_OverTheLimit() => _counter.TryAdmitAsync(_key, _full).Result.Admitted;

    /// <summary>Every pool at once (user, user-model, token, organisation, member, model), each with a daily allowance,
    /// an RPM and a TPM: still one critical section (issue 21's goal: at most 1 µs).</summary>
    [Benchmark]
    public bool Admit_EveryPool_DayRpmTpm() => _counter.TryAdmitAsync(_everyKey, _every, _cost).Result.Admitted;

    [Benchmark]
    public bool AdmitThenRefund_EveryPool()
    {
        var admitted = _counter.TryAdmitAsync(_everyKey, _every, _cost).Result.Admitted;
        _counter.RefundAsync(_everyKey, _cost, _every).GetAwaiter().GetResult();
        return admitted;
    }

    [Benchmark]
    public bool AdmitThenRefund()
    {
        var admitted = _counter.TryAdmitAsync(_key, _limits).Result.Admitted;
        _counter.RefundAsync(_key).GetAwaiter().GetResult();
        return admitted;
    }

    /// <summary>Eight users of one organisation admitting at once with every pool on (they share the organisation's and the
    /// model's locks).</summary>
    [Benchmark(OperationsPerInvoke = 8 * 10_000)]
    public void Admit_EveryPool_EightThreads_OneOrganization() => Parallel.For(0, 8, u =>
    {
        var key = _everyKey with { UserId = 100 + u, TokenId = 100 + u };
        for (var i = 0; i < 10_000; i++)
        {
            _ = _counter.TryAdmitAsync(key, _every, _cost).Result;
        }
    });

    /// <summary>Eight threads admitting for eight users at once (the lock is per user and day).</summary>
    [Benchmark(OperationsPerInvoke = 8 * 10_000)]
    public void Admit_EightThreads_EightUsers() => Parallel.For(0, 8, u =>
    {
        var key = new QuotaKey(u, "karpathy/stories260K", Day);
        for (var i = 0; i < 10_000; i++)
        {
            _ = _counter.TryAdmitAsync(key, _limits).Result;
        }
    });
}
