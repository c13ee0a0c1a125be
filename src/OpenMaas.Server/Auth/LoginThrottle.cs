using System.Collections.Concurrent;
using System.Net;

namespace OpenMaas.Server.Auth;

/// <summary>
/// Slows down password guessing, per account and per client address: from the <see cref="AccountLockAfter"/>th failed
/// sign-in of one account (or the <see cref="AddressLockAfter"/>th from one address) on, every failure locks that key
/// for a delay that doubles, from 1 s up to 15 min. A locked key is refused before its password is checked. A
/// success clears the account's count. Failures are forgotten an hour after the last one; the table is bounded.
/// </summary>
internal sealed class LoginThrottle(TimeProvider clock)
{
    public const int AccountLockAfter = 5;
    public const int AddressLockAfter = 20;
    internal const int MaxEntries = 10_000;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(int Failures, DateTimeOffset LockedUntil, DateTimeOffset LastFailure);

    /// <summary>How long the caller must wait before it may try again; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string account, IPAddress? address)
    {
        var now = clock.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var key in Keys(account, address))
        {
            if (_entries.TryGetValue(key, out var e) && e.LockedUntil > now && e.LockedUntil - now > wait)
            {
                wait = e.LockedUntil - now;
            }
        }

        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string account, IPAddress? address)
    {
        var now = clock.GetUtcNow();
        if (_entries.Count >= MaxEntries)
        {
            Prune(now);
        }

        foreach (var key in Keys(account, address))
        {
            var lockAfter = key.StartsWith("a:", StringComparison.Ordinal) ? AccountLockAfter : AddressLockAfter;
            _entries.AddOrUpdate(
                key,
                _ => Next(1, lockAfter, now),
                (_, e) => Next(now - e.LastFailure > Forget ? 1 : e.Failures + 1, lockAfter, now));
        }
    }

    private static Entry Next(int failures, int lockAfter, DateTimeOffset now)
    {
        var over = failures - lockAfter; // 0 at the lockAfter-th failure: 1 s, then 2 s, 4 s, …
        var delay = over < 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, Math.Min(over, 20))));
        return new Entry(failures, now + delay, now);
    }

    public void Succeeded(string account) => _entries.TryRemove(AccountKey(account), out _);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, e) in _entries)
        {
            if (e.LockedUntil <= now && now - e.LastFailure > TimeSpan.FromMinutes(1))
            {
                _entries.TryRemove(key, out _);
            }
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear(); // under a flood of distinct names: stay bounded rather than remember everything
        }
    }

    private static string AccountKey(string account) => "a:" + account.ToLowerInvariant();

    private static IEnumerable<string> Keys(string account, IPAddress? address)
    {
        yield return AccountKey(account);
        if (address is not null)
        {
            yield return "ip:" + address;
        }
    }
}
