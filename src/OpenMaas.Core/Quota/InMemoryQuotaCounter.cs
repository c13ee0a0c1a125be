using System.Collections.Concurrent;
using OpenMaas.Core.Diagnostics;

namespace OpenMaas.Core.Quota;

/// <summary>
/// The embedded counter: one small lock per (user, day) guards the user's total and all of the user's per-model and
/// per-token counts (a token belongs to one user), so checking every limit and counting the call is a single
/// critical section of a few instructions.
/// Counters for past days are dropped when a later day is first seen. Rebuilt from the usage log at startup.
/// </summary>
internal sealed class InMemoryQuotaCounter : IQuotaCounter
{
    private sealed class UserDay
    {
        public readonly Lock Gate = new();
        public readonly Dictionary<string, int> PerModel = new(StringComparer.Ordinal);
        public readonly Dictionary<long, int> PerToken = [];
        public int Total;
    }

    private readonly ConcurrentDictionary<(long UserId, DateOnly Day), UserDay> _days = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateOnly _latestDay;

    /// <summary>Opens admission once the counters are rebuilt; calls before that wait.</summary>
    public void MarkReady() => _ready.TrySetResult();

    public ValueTask<Admission> TryAdmitAsync(QuotaKey key, EffectiveLimits limits, CancellationToken ct = default) =>
        _ready.Task.IsCompleted ? Admit(key, limits) : AdmitWhenReadyAsync(key, limits, ct);

    private async ValueTask<Admission> AdmitWhenReadyAsync(QuotaKey key, EffectiveLimits limits, CancellationToken ct)
    {
        await _ready.Task.WaitAsync(ct);
        return await Admit(key, limits);
    }

    private ValueTask<Admission> Admit(QuotaKey key, EffectiveLimits limits)
    {
        var day = Get(key.UserId, key.Day);
        lock (day.Gate)
        {
            day.PerModel.TryGetValue(key.ModelId, out var modelUsed);
            var tokenUsed = key.TokenId is { } t ? day.PerToken.GetValueOrDefault(t) : 0;
            var verdict = true switch
            {
                _ when day.Total >= limits.Daily => QuotaVerdict.DailyLimitReached,
                _ when modelUsed >= limits.ModelDaily => QuotaVerdict.ModelLimitReached,
                _ when tokenUsed >= limits.TokenDaily => QuotaVerdict.TokenLimitReached,
                _ => QuotaVerdict.Admitted,
            };
            if (verdict != QuotaVerdict.Admitted)
            {
                OpenMaasMeter.Admission(verdict switch
                {
                    QuotaVerdict.DailyLimitReached => "daily_limit",
                    QuotaVerdict.ModelLimitReached => "model_limit",
                    _ => "token_limit",
                });
                return ValueTask.FromResult(new Admission(verdict, day.Total, modelUsed, tokenUsed));
            }

            OpenMaasMeter.Admission("admitted");
            day.Total++;
            day.PerModel[key.ModelId] = ++modelUsed;
            if (key.TokenId is { } token)
            {
                day.PerToken[token] = ++tokenUsed;
            }

            return ValueTask.FromResult(new Admission(QuotaVerdict.Admitted, day.Total, modelUsed, tokenUsed));
        }
    }

    public ValueTask RefundAsync(QuotaKey key, CancellationToken ct = default)
    {
        if (_days.TryGetValue((key.UserId, key.Day), out var day))
        {
            lock (day.Gate)
            {
                if (day.PerModel.TryGetValue(key.ModelId, out var modelUsed) && modelUsed > 0)
                {
                    day.PerModel[key.ModelId] = modelUsed - 1;
                    day.Total--;
                    if (key.TokenId is { } token && day.PerToken.TryGetValue(token, out var tokenUsed) && tokenUsed > 0)
                    {
                        day.PerToken[token] = tokenUsed - 1;
                    }
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<(int Total, IReadOnlyDictionary<string, int> PerModel)> GetUsedAsync(long userId, DateOnly day, CancellationToken ct = default)
    {
        if (!_days.TryGetValue((userId, day), out var counts))
        {
            return ValueTask.FromResult<(int, IReadOnlyDictionary<string, int>)>((0, new Dictionary<string, int>()));
        }

        lock (counts.Gate)
        {
            return ValueTask.FromResult<(int, IReadOnlyDictionary<string, int>)>((counts.Total, new Dictionary<string, int>(counts.PerModel)));
        }
    }

    /// <summary>Adds calls found in the usage log (startup rebuild).</summary>
    public void Seed(QuotaKey key, int calls)
    {
        var day = Get(key.UserId, key.Day);
        lock (day.Gate)
        {
            day.Total += calls;
            day.PerModel[key.ModelId] = day.PerModel.GetValueOrDefault(key.ModelId) + calls;
        }
    }

    /// <summary>Adds a token's calls found in the usage log (startup rebuild; the user's totals come from <see cref="Seed"/>).</summary>
    public void SeedToken(long userId, long tokenId, DateOnly date, int calls)
    {
        var day = Get(userId, date);
        lock (day.Gate)
        {
            day.PerToken[tokenId] = day.PerToken.GetValueOrDefault(tokenId) + calls;
        }
    }

    private UserDay Get(long userId, DateOnly date)
    {
        if (date > _latestDay)
        {
            DropBefore(date);
        }

        return _days.GetOrAdd((userId, date), static _ => new UserDay());
    }

    private void DropBefore(DateOnly date)
    {
        lock (_days)
        {
            if (date <= _latestDay)
            {
                return;
            }

            _latestDay = date;
            foreach (var key in _days.Keys)
            {
                // Keep yesterday: a request admitted just before midnight may still be refunded after it.
                if (key.Day < date.AddDays(-1))
                {
                    _days.TryRemove(key, out _);
                }
            }
        }
    }
}
