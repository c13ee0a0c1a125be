using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using OpenMaas.Core.Diagnostics;

namespace OpenMaas.Core.Quota;

/// <summary>
/// The embedded counter. One small lock per (user, day) guards the user's total and all of the user's per-model,
/// per-token and member-in-organisation counts (a token belongs to one user); an organisation's pool and a model's
/// global pool each have their own lock, taken only when the call has an organisation or the model has a per-minute
/// limit. A call takes its locks in one fixed order (organisation, model, user) and at most one of each, so checking
/// every limit and counting the call is one critical section of a few instructions, free of deadlocks.
/// Counters for past days are dropped when a later day is first seen. Rebuilt from the usage log at startup (daily
/// units, and the current minute's requests and tokens).
/// </summary>
internal sealed class InMemoryQuotaCounter : IQuotaCounter
{
    private sealed class UserDay
    {
        public readonly Lock Gate = new();
        public readonly Dictionary<string, QuotaSlot> PerModel = new(StringComparer.Ordinal);
        public readonly Dictionary<long, QuotaSlot> PerToken = [];
        public readonly Dictionary<long, QuotaSlot> PerMember = [];
        public QuotaSlot Total;
    }

    private sealed class SharedDay
    {
        public readonly Lock Gate = new();
        public QuotaSlot Slot;
    }

    private readonly ConcurrentDictionary<(long UserId, DateOnly Day), UserDay> _days = new();
    private readonly ConcurrentDictionary<(long OrganizationId, DateOnly Day), SharedDay> _organizations = new();
    private readonly ConcurrentDictionary<(string ModelId, DateOnly Day), SharedDay> _models = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateOnly _latestDay;

    /// <summary>Opens admission once the counters are rebuilt; calls before that wait.</summary>
    public void MarkReady() => _ready.TrySetResult();

    public ValueTask<Admission> TryAdmitAsync(QuotaKey key, EffectiveLimits limits, CallCost cost, CancellationToken ct = default) =>
        _ready.Task.IsCompleted ? ValueTask.FromResult(Admit(key, limits, cost)) : AdmitWhenReadyAsync(key, limits, cost, ct);

    /// <summary>Admits a call of one unit with no per-minute cost.</summary>
    public ValueTask<Admission> TryAdmitAsync(QuotaKey key, EffectiveLimits limits, CancellationToken ct = default) =>
        TryAdmitAsync(key, limits, CallCost.One, ct);

    /// <summary>Gives back one unit (no per-minute cost).</summary>
    public ValueTask RefundAsync(QuotaKey key, CancellationToken ct = default) => RefundAsync(key, CallCost.One, default, ct);

    private async ValueTask<Admission> AdmitWhenReadyAsync(QuotaKey key, EffectiveLimits limits, CallCost cost, CancellationToken ct)
    {
        await _ready.Task.WaitAsync(ct);
        return Admit(key, limits, cost);
    }

    private Admission Admit(QuotaKey key, EffectiveLimits limits, CallCost cost)
    {
        var (org, model, day) = Pools(key, limits, cost);
        org?.Gate.Enter();
        model?.Gate.Enter();
        day.Gate.Enter();
        try
        {
            ref var perModel = ref CollectionsMarshal.GetValueRefOrAddDefault(day.PerModel, key.ModelId, out _);
            ref var perToken = ref key.TokenId is { } t ? ref CollectionsMarshal.GetValueRefOrAddDefault(day.PerToken, t, out _) : ref _none;
            ref var member = ref key.OrganizationId is { } o ? ref CollectionsMarshal.GetValueRefOrAddDefault(day.PerMember, o, out _) : ref _none;
            ref var orgSlot = ref org is null ? ref _none : ref org.Slot;
            ref var modelSlot = ref model is null ? ref _none : ref model.Slot;

            var (verdict, pool) = (day.Total.Check(limits.User, cost, QuotaVerdict.DailyLimitReached), QuotaPool.User);
            if (verdict == QuotaVerdict.Admitted)
            {
                (verdict, pool) = (perModel.Check(limits.UserModel, cost, QuotaVerdict.ModelLimitReached), QuotaPool.UserModel);
            }

            if (verdict == QuotaVerdict.Admitted && key.TokenId is not null)
            {
                (verdict, pool) = (perToken.Check(limits.Token, cost, QuotaVerdict.TokenLimitReached), QuotaPool.Token);
            }

            if (verdict == QuotaVerdict.Admitted && org is not null)
            {
                (verdict, pool) = (orgSlot.Check(limits.Organization, cost, QuotaVerdict.OrganizationLimitReached), QuotaPool.Organization);
                if (verdict == QuotaVerdict.Admitted)
                {
                    (verdict, pool) = (member.Check(limits.Member, cost, QuotaVerdict.MemberLimitReached), QuotaPool.Member);
                }
            }

            if (verdict == QuotaVerdict.Admitted && model is not null)
            {
                (verdict, pool) = (modelSlot.Check(limits.Model, cost, QuotaVerdict.RequestRateReached), QuotaPool.Model);
            }

            if (verdict == QuotaVerdict.Admitted)
            {
                day.Total.Count(limits.User, cost);
                perModel.Count(limits.UserModel, cost);
                if (key.TokenId is not null)
                {
                    perToken.Count(limits.Token, cost);
                }

                if (org is not null)
                {
                    orgSlot.Count(limits.Organization, cost);
                    member.Count(limits.Member, cost);
                }

                if (model is not null)
                {
                    modelSlot.Count(limits.Model, cost);
                }
            }

            OpenMaasMeter.Admission(QuotaVerdicts.MetricName(verdict));
            var window = new MinuteWindow(null, 0, null, 0, cost.Minute);
            if (cost.Minute != 0 && limits.PerMinute)
            {
                day.Total.Tighten(limits.User, cost.Minute, ref window);
                perModel.Tighten(limits.UserModel, cost.Minute, ref window);
                perToken.Tighten(key.TokenId is null ? default : limits.Token, cost.Minute, ref window);
                orgSlot.Tighten(org is null ? default : limits.Organization, cost.Minute, ref window);
                member.Tighten(org is null ? default : limits.Member, cost.Minute, ref window);
                modelSlot.Tighten(model is null ? default : limits.Model, cost.Minute, ref window);
            }

            return new Admission(verdict, day.Total.Units, perModel.Units, key.TokenId is null ? 0 : perToken.Units)
            {
                Pool = pool,
                OrganizationUsed = orgSlot.Units,
                MemberUsed = member.Units,
                Minute = window,
            };
        }
        finally
        {
            _none = default;
            day.Gate.Exit();
            model?.Gate.Exit();
            org?.Gate.Exit();
        }
    }

    // A slot for pools a call does not have ([ThreadStatic]: written only by the thread that holds the call's locks).
    [ThreadStatic]
    private static QuotaSlot _none;

    public ValueTask RefundAsync(QuotaKey key, CallCost cost, EffectiveLimits limits, CancellationToken ct = default)
    {
        if (!_days.TryGetValue((key.UserId, key.Day), out var day))
        {
            return ValueTask.CompletedTask;
        }

        var org = key.OrganizationId is { } o ? _organizations.GetValueOrDefault((o, key.Day)) : null;
        var model = _models.GetValueOrDefault((key.ModelId, key.Day));
        org?.Gate.Enter();
        model?.Gate.Enter();
        day.Gate.Enter();
        try
        {
            ref var perModel = ref CollectionsMarshal.GetValueRefOrNullRef(day.PerModel, key.ModelId);
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref perModel) || perModel.Units <= 0)
            {
                return ValueTask.CompletedTask; // nothing of this call was counted (e.g. the day was dropped)
            }

            perModel.Refund(limits.UserModel, cost);
            day.Total.Refund(limits.User, cost);
            if (key.TokenId is { } t)
            {
                Refund(day.PerToken, t, limits.Token, cost);
            }

            if (key.OrganizationId is { } member)
            {
                Refund(day.PerMember, member, limits.Member, cost);
                org?.Slot.Refund(limits.Organization, cost);
            }

            model?.Slot.Refund(limits.Model, cost);
        }
        finally
        {
            day.Gate.Exit();
            model?.Gate.Exit();
            org?.Gate.Exit();
        }

        return ValueTask.CompletedTask;
    }

    private static void Refund(Dictionary<long, QuotaSlot> slots, long id, PoolLimits limits, in CallCost cost)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(slots, id);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot))
        {
            slot.Refund(limits, cost);
        }
    }

    public ValueTask SettleTokensAsync(QuotaKey key, CallCost cost, EffectiveLimits limits, int actualTokens, CancellationToken ct = default)
    {
        if (cost.Minute == 0 || !limits.PerMinute || !_days.TryGetValue((key.UserId, key.Day), out var day))
        {
            return ValueTask.CompletedTask;
        }

        var org = key.OrganizationId is { } o ? _organizations.GetValueOrDefault((o, key.Day)) : null;
        var model = _models.GetValueOrDefault((key.ModelId, key.Day));
        org?.Gate.Enter();
        model?.Gate.Enter();
        day.Gate.Enter();
        try
        {
            day.Total.Settle(limits.User, cost, actualTokens);
            Settle(day.PerModel, key.ModelId, limits.UserModel, cost, actualTokens);
            if (key.TokenId is { } t)
            {
                Settle(day.PerToken, t, limits.Token, cost, actualTokens);
            }

            if (key.OrganizationId is { } member)
            {
                Settle(day.PerMember, member, limits.Member, cost, actualTokens);
                org?.Slot.Settle(limits.Organization, cost, actualTokens);
            }

            model?.Slot.Settle(limits.Model, cost, actualTokens);
        }
        finally
        {
            day.Gate.Exit();
            model?.Gate.Exit();
            org?.Gate.Exit();
        }

        return ValueTask.CompletedTask;
    }

    private static void Settle<TKey>(Dictionary<TKey, QuotaSlot> slots, TKey id, PoolLimits limits, in CallCost cost, int actual)
        where TKey : notnull
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(slots, id);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot))
        {
            slot.Settle(limits, cost, actual);
        }
    }

    public ValueTask<(int Total, IReadOnlyDictionary<string, int> PerModel)> GetUsedAsync(long userId, DateOnly day, CancellationToken ct = default)
    {
        if (!_days.TryGetValue((userId, day), out var counts))
        {
            return ValueTask.FromResult<(int, IReadOnlyDictionary<string, int>)>((0, new Dictionary<string, int>()));
        }

        lock (counts.Gate)
        {
            return ValueTask.FromResult<(int, IReadOnlyDictionary<string, int>)>(
                (counts.Total.Units, counts.PerModel.Where(p => p.Value.Units > 0).ToDictionary(p => p.Key, p => p.Value.Units, StringComparer.Ordinal)));
        }
    }

    public ValueTask<(int Organization, int Member)> GetOrganizationUsedAsync(long organizationId, long userId, DateOnly day, CancellationToken ct = default)
    {
        var org = _organizations.TryGetValue((organizationId, day), out var shared) ? Volatile.Read(ref shared.Slot.Units) : 0;
        var member = 0;
        if (_days.TryGetValue((userId, day), out var counts))
        {
            lock (counts.Gate)
            {
                member = counts.PerMember.GetValueOrDefault(organizationId).Units;
            }
        }

        return ValueTask.FromResult((org, member));
    }

    /// <summary>Adds units found in the usage log (startup rebuild): the user's total and per-model counts.</summary>
    public void Seed(QuotaKey key, int units)
    {
        var day = Get(key.UserId, key.Day);
        lock (day.Gate)
        {
            day.Total.Units += units;
            CollectionsMarshal.GetValueRefOrAddDefault(day.PerModel, key.ModelId, out _).Units += units;
        }
    }

    /// <summary>Adds a token's units found in the usage log (startup rebuild; the user's totals come from <see cref="Seed"/>).</summary>
    public void SeedToken(long userId, long tokenId, DateOnly date, int units)
    {
        var day = Get(userId, date);
        lock (day.Gate)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(day.PerToken, tokenId, out _).Units += units;
        }
    }

    /// <summary>Adds a member's units in an organisation found in the usage log (startup rebuild): both the organisation's
    /// pool and the member's.</summary>
    public void SeedOrganization(long organizationId, long userId, DateOnly date, int units)
    {
        var day = Get(userId, date);
        var org = _organizations.GetOrAdd((organizationId, date), static _ => new SharedDay());
        lock (org.Gate)
        {
            org.Slot.Units += units;
        }

        lock (day.Gate)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(day.PerMember, organizationId, out _).Units += units;
        }
    }

    /// <summary>Adds the requests and tokens of calls found in the usage log to the minute window <paramref name="minute"/>
    /// of every pool the calls were counted in (startup rebuild): user, user and model, token, member, organisation and
    /// the model's global pool.</summary>
    public void SeedMinute(QuotaKey key, long minute, int requests, long tokens)
    {
        var day = Get(key.UserId, key.Day);
        lock (day.Gate)
        {
            day.Total.SeedMinute(minute, requests, tokens);
            CollectionsMarshal.GetValueRefOrAddDefault(day.PerModel, key.ModelId, out _).SeedMinute(minute, requests, tokens);
            if (key.TokenId is { } token)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(day.PerToken, token, out _).SeedMinute(minute, requests, tokens);
            }

            if (key.OrganizationId is { } member)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(day.PerMember, member, out _).SeedMinute(minute, requests, tokens);
            }
        }

        foreach (var shared in new[]
        {
            key.OrganizationId is { } o ? _organizations.GetOrAdd((o, key.Day), static _ => new SharedDay()) : null,
            _models.GetOrAdd((key.ModelId, key.Day), static _ => new SharedDay()),
        })
        {
            if (shared is not null)
            {
                lock (shared.Gate)
                {
                    shared.Slot.SeedMinute(minute, requests, tokens);
                }
            }
        }
    }

    private (SharedDay? Org, SharedDay? Model, UserDay Day) Pools(QuotaKey key, EffectiveLimits limits, CallCost cost)
    {
        var day = Get(key.UserId, key.Day);
        var org = key.OrganizationId is { } o ? _organizations.GetOrAdd((o, key.Day), static _ => new SharedDay()) : null;
        var model = cost.Minute != 0 && limits.Model.PerMinute ? _models.GetOrAdd((key.ModelId, key.Day), static _ => new SharedDay()) : null;
        return (org, model, day);
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
            // Keep yesterday: a request admitted just before midnight may still be refunded after it.
            var keep = date.AddDays(-1);
            foreach (var key in _days.Keys.Where(k => k.Day < keep))
            {
                _days.TryRemove(key, out _);
            }

            foreach (var key in _organizations.Keys.Where(k => k.Day < keep))
            {
                _organizations.TryRemove(key, out _);
            }

            foreach (var key in _models.Keys.Where(k => k.Day < keep))
            {
                _models.TryRemove(key, out _);
            }
        }
    }
}
