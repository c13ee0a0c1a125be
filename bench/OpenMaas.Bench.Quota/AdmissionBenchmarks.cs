using BenchmarkDotNet.Attributes;
using OpenMaas.Core.Quota;

namespace OpenMaas.Bench.Quota;

/// <summary>Admission alone: one atomic check-and-count over the daily total and a model cap.</summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private static readonly DateOnly Day = new(2026, 11, 28);
    private readonly InMemoryQuotaCounter _counter = new();
    private readonly EffectiveLimits _limits = new(int.MaxValue, null);
    private readonly EffectiveLimits _capped = new(int.MaxValue, int.MaxValue);
    private readonly EffectiveLimits _full = new(0, null);
    private QuotaKey _key = new(1, "karpathy/stories260K", Day);

    [GlobalSetup]
    public void Setup() => _counter.MarkReady();

    [Benchmark(Baseline = true)]
    public bool Admit_DailyLimitOnly() => _counter.TryAdmitAsync(_key, _limits).Result.Admitted;

    [Benchmark]
    public bool Admit_WithModelCap() => _counter.TryAdmitAsync(_key, _capped).Result.Admitted;

    [Benchmark]
    public bool Reject_OverTheLimit() => _counter.TryAdmitAsync(_key, _full).Result.Admitted;

    [Benchmark]
    public bool AdmitThenRefund()
    {
        var admitted = _counter.TryAdmitAsync(_key, _limits).Result.Admitted;
        _counter.RefundAsync(_key).GetAwaiter().GetResult();
        return admitted;
    }

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
