using System.Collections.Concurrent;
using OpenMaas.Core.Quota;

namespace OpenMaas.Core.Cluster;

/// <summary>
/// The calls this node admitted through Redis whose usage record is not yet durable, and those that became durable in
/// the last seconds. After Redis lost its counters they are what the usage log cannot show yet: the rebuilding node adds
/// the calls open before it read the log; every other node adds its open calls and those it settled since that read
/// (a call counted twice only makes the quota stricter, never looser).
/// </summary>
internal sealed class InFlightCalls(TimeProvider clock)
{
    /// <summary>How long a settled call is remembered: the longest a rebuild's read may lie before another node adopts it.</summary>
    private static readonly TimeSpan RecentWindow = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<QuotaKey, int> _open = new();
    private readonly ConcurrentQueue<(QuotaKey Key, DateTimeOffset At)> _recent = new();

    public DateTimeOffset Now => clock.GetUtcNow();

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
            _recent.Enqueue((key, clock.GetUtcNow()));
            Prune();
        }
    }

    /// <summary>Calls to add to rebuilt counters, per key: those open now, plus those settled at or after
    /// <paramref name="settledSince"/> (null: none of the settled ones).</summary>
    public Dictionary<QuotaKey, int> Snapshot(DateTimeOffset? settledSince = null)
    {
        Prune();
        var calls = _open.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value);
        if (settledSince is { } since)
        {
            foreach (var (key, at) in _recent)
            {
                if (at >= since)
                {
                    calls[key] = calls.GetValueOrDefault(key) + 1;
                }
            }
        }

        return calls;
    }

    private void Prune()
    {
        var now = clock.GetUtcNow();
        while (_recent.TryPeek(out var head) && now - head.At > RecentWindow)
        {
            _recent.TryDequeue(out _);
        }
    }
}
