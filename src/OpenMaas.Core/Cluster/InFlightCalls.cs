using System.Collections.Concurrent;
using System.Diagnostics;
using OpenMaas.Core.Quota;

namespace OpenMaas.Core.Cluster;

/// <summary>
/// The calls this node admitted through Redis whose usage record is not yet durable, and those that became durable in
/// the last seconds. After Redis lost its counters they are what the usage log cannot show yet: the node adds them to
/// the rebuilt counters (a call counted twice only makes the quota stricter, never looser).
/// </summary>
internal sealed class InFlightCalls
{
    private static readonly TimeSpan RecentWindow = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<QuotaKey, int> _open = new();
    private readonly ConcurrentQueue<(QuotaKey Key, long At)> _recent = new();

    public void Admitted(QuotaKey key) => _open.AddOrUpdate(key, 1, static (_, n) => n + 1);

    /// <summary>The call's record is in the usage log (counted or refunded).</summary>
    public void Settled(QuotaKey key, bool counted)
    {
        if (_open.AddOrUpdate(key, 0, static (_, n) => Math.Max(0, n - 1)) == 0)
        {
            _open.TryRemove(new KeyValuePair<QuotaKey, int>(key, 0));
        }

        if (counted)
        {
            _recent.Enqueue((key, Stopwatch.GetTimestamp()));
            Prune();
        }
    }

    /// <summary>Calls to add to rebuilt counters, per key.</summary>
    public Dictionary<QuotaKey, int> Snapshot()
    {
        Prune();
        var calls = _open.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value);
        foreach (var (key, _) in _recent)
        {
            calls[key] = calls.GetValueOrDefault(key) + 1;
        }

        return calls;
    }

    private void Prune()
    {
        while (_recent.TryPeek(out var head) && Stopwatch.GetElapsedTime(head.At) > RecentWindow)
        {
            _recent.TryDequeue(out _);
        }
    }
}
