using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OpenMaas.Server.WebConsole.Services;

/// <summary>
/// Carries a new token's text from the create post to the one page that shows it (post, redirect, get): the text waits
/// here under a random key bound to the user for at most a minute and is removed when that page reads it, so a
/// reload or Back finds nothing. Bounded: past <see cref="Capacity"/> waiting entries the oldest go.
/// </summary>
internal sealed class TokenReveal(TimeProvider clock)
{
    internal const int Capacity = 1000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Entry> _waiting = new(StringComparer.Ordinal);

    private sealed record Entry(long UserId, string Text, long TokenId, DateTimeOffset Expires);

    public string Put(long userId, long tokenId, string text)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, e) in _waiting)
        {
            if (e.Expires <= now)
            {
                _waiting.TryRemove(key, out _);
            }
        }

        while (_waiting.Count >= Capacity && _waiting.MinBy(p => p.Value.Expires) is { Key: { } oldest })
        {
            _waiting.TryRemove(oldest, out _);
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _waiting[id] = new Entry(userId, text, tokenId, now + Lifetime);
        return id;
    }

    /// <summary>The token (once), when <paramref name="id"/> is waiting for this user.</summary>
    public (string Text, long TokenId)? Take(string id, long userId)
    {
        if (_waiting.TryGetValue(id, out var e) && e.UserId == userId && _waiting.TryRemove(id, out _) && e.Expires > clock.GetUtcNow())
        {
            return (e.Text, e.TokenId);
        }

        return null;
    }
}
