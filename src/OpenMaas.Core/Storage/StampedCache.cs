using System.Collections.Concurrent;

namespace OpenMaas.Core.Storage;

/// <summary>
/// A bounded in-memory cache of rows guarded by an <see cref="IChangeNotice"/>. Every lookup reads the stamp first; when it
/// has moved, the whole cache is dropped. A miss reads the database <em>after</em> that stamp read and files its row
/// under the stamp it saw, so a row read while a change committed is dropped with its generation on the next call.
/// At <c>capacity</c> entries the cache starts over rather than growing.
/// </summary>
public sealed class StampedCache<TKey, TValue>(IChangeNotice stamp, int capacity)
    where TKey : notnull
{
    private Generation _current = new(0);

    public int Count => Volatile.Read(ref _current).Count;

    /// <summary>The cached value, or the loader's; the loader says whether its value may be kept.</summary>
    public async ValueTask<TValue> GetOrLoadAsync<TState>(
        TKey key, TState state, Func<TState, TKey, CancellationToken, Task<(TValue Value, bool Keep)>> load, CancellationToken ct)
    {
        var generation = Current();
        if (generation.Entries.TryGetValue(key, out var hit))
        {
            return hit;
        }

        var (value, keep) = await load(state, key, ct);
        if (keep)
        {
            Add(generation, key, value);
        }

        return value;
    }

    private Generation Current()
    {
        var now = stamp.Read();
        var current = Volatile.Read(ref _current);
        if (current.Stamp == now)
        {
            return current;
        }

        var fresh = new Generation(now);
        var seen = Interlocked.CompareExchange(ref _current, fresh, current);
        return ReferenceEquals(seen, current) || seen.Stamp != now ? fresh : seen;
    }

    private void Add(Generation generation, TKey key, TValue value)
    {
        // Reserve a slot without ever going past capacity (a reader of Count never sees more than capacity).
        int count;
        do
        {
            count = Volatile.Read(ref generation.Count);
            if (count >= capacity)
            {
                Interlocked.CompareExchange(ref _current, new Generation(generation.Stamp), generation);
                return;
            }
        }
        while (Interlocked.CompareExchange(ref generation.Count, count + 1, count) != count);

        if (!generation.Entries.TryAdd(key, value))
        {
            Interlocked.Decrement(ref generation.Count);
        }
    }

    private sealed class Generation(long stamp)
    {
        public readonly long Stamp = stamp;
        public readonly ConcurrentDictionary<TKey, TValue> Entries = new();
        public int Count;
    }
}
