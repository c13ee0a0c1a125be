using Microsoft.Extensions.Logging;
using OpenMaas.Core.Diagnostics;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using StackExchange.Redis;

namespace OpenMaas.Core.Cluster;

/// <summary>
/// Quota counters shared by every node: one Lua script per admission checks and counts every applicable counter of
/// the call atomically (<see cref="QuotaScripts"/>). When Redis lost the counters (no generation key), one node rebuilds
/// them from the usage log plus its calls in flight, and every other node adds its own in-flight calls before it
/// counts again. Redis unreachable: <see cref="QuotaUnavailableException"/> (503), or the local counter when
/// <see cref="RedisOptions.WhenUnavailable"/> says so.
/// </summary>
internal sealed class RedisQuotaCounter(
    RedisConnection redis,
    InMemoryQuotaCounter local,
    IUsageQueries usage,
    QuotaCalendar calendar,
    InFlightCalls inFlight,
    NodeCalls node,
    ILogger<RedisQuotaCounter> logger) : IQuotaCounter
{
    private const string Total = "total";
    private static readonly TimeSpan RebuildWait = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _sync = new(1, 1);
    private string _generation = string.Empty;

    /// <summary>How far two nodes' clocks may differ: an adopting node also adds calls it settled this long before the
    /// rebuild's read.</summary>
    private TimeSpan ClockMargin => TimeSpan.FromMilliseconds(redis.Options.ClockSkewMs);

    private RedisKey GenerationKey => redis.Key("quota:generation");

    /// <summary>A generation is <c>id:unix-ms</c>, the time its rebuild read the usage log.</summary>
    private static DateTimeOffset ReadAt(string generation) =>
        generation.LastIndexOf(':') is var colon and > 0
        && long.TryParse(generation.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.MinValue;

    private static string TokenField(long tokenId) => "t:" + tokenId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string ModelField(string modelId) => "m:" + modelId;

    private RedisKey UserDay(long userId, DateOnly day) => redis.Key($"quota:{day:yyyyMMdd}:u:{userId}");

    private RedisKey OrganizationDay(long organizationId, DateOnly day) => redis.Key($"quota:{day:yyyyMMdd}:o:{organizationId}");

    private RedisKey MinuteWindow(long minute) => redis.Key($"quota:rl:{minute.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>The hashes a call's entries name, in the order of <see cref="RedisAdmissionPlan"/>'s key indexes.</summary>
    private RedisKey[] Keys(QuotaKey key, CallCost cost, RedisAdmissionPlan plan) =>
    [
        GenerationKey, UserDay(key.UserId, key.Day),
        .. key.OrganizationId is { } org ? [OrganizationDay(org, key.Day)] : Array.Empty<RedisKey>(),
        .. plan.PerMinute ? [MinuteWindow(cost.Minute)] : Array.Empty<RedisKey>(),
    ];

    public async ValueTask<Admission> TryAdmitAsync(QuotaKey key, EffectiveLimits limits, CallCost cost, CancellationToken ct = default)
    {
        var plan = RedisAdmissionPlan.For(key, limits, cost);
        var keys = Keys(key, cost, plan);
        try
        {
            // While the counters are rebuilt (one node reads the usage log) calls wait, up to a bound.
            var waiting = System.Diagnostics.Stopwatch.StartNew();
            while (waiting.Elapsed < RebuildWait)
            {
                var generation = _generation;
                var minuteExpiry = plan.PerMinute ? CallCost.MinuteEnd(cost.Minute).AddSeconds(60).ToUnixTimeSeconds() : 0;
                var tracking = node.AdmitArguments(cost.CallId, cost.CallId is null ? string.Empty : NodeCalls.Entry(generation, key.Day, keys, plan));
                var first = 3 + tracking.Length;
                var args = new RedisValue[first + 4 * plan.Entries.Count];
                (args[0], args[1], args[2]) = (generation, ExpireAt(key.Day), minuteExpiry);
                tracking.CopyTo(args, 3);
                for (var i = 0; i < plan.Entries.Count; i++)
                {
                    var e = plan.Entries[i];
                    (args[first + 4 * i], args[first + 1 + 4 * i], args[first + 2 + 4 * i], args[first + 3 + 4 * i]) = (e.Key, e.Field, e.Limit, e.Increment);
                }

                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(QuotaScripts.Admit, keys, args))!;
                OpenMaasMeter.RedisRoundTrip(started, "admit");
                switch ((int)result[0])
                {
                    case 1:
                        inFlight.Admitted(key);
                        OpenMaasMeter.Admission("admitted");
                        return plan.Outcome(0, result);
                    case 0:
                        var refused = plan.Outcome((int)result[1], result);
                        OpenMaasMeter.Admission(QuotaVerdicts.MetricName(refused.Verdict));
                        return refused;
                    default:
                        await SynchronizeAsync(key.Day, generation, ct);
                        break;
                }
            }

            throw new QuotaUnavailableException("The shared quota counters are being rebuilt; try again in a moment.");
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            if (redis.Options.WhenUnavailable == RedisUnavailableMode.CountLocally)
            {
                ClusterLog.LogLocal(logger, e.GetType().Name);
                return await local.TryAdmitAsync(key, limits, cost, ct);
            }

            ClusterLog.LogUnavailable(logger, e.GetType().Name);
            OpenMaasMeter.Admission("unavailable");
            throw new QuotaUnavailableException("The quota service (Redis) is unreachable, so no call can be counted; try again shortly.", e);
        }
    }

    public async ValueTask RefundAsync(QuotaKey key, CallCost cost, EffectiveLimits limits, CancellationToken ct = default)
    {
        var plan = RedisAdmissionPlan.For(key, limits, cost);
        await AdjustAsync(Keys(key, cost, plan), plan.Entries.Select(e => (e, -e.Increment)), "refund", cost.CallId);
    }

    public async ValueTask SettleTokensAsync(QuotaKey key, CallCost cost, EffectiveLimits limits, int actualTokens, CancellationToken ct = default)
    {
        var plan = RedisAdmissionPlan.For(key, limits, cost);
        if (plan.PerMinute)
        {
            var tokens = plan.Entries.Where(e => e.Kind == RedisAdmissionPlan.Counts.Tokens).Select(e => (e, (long)actualTokens - e.Increment));
            await AdjustAsync(Keys(key, cost, plan), tokens, "settle");
        }
    }

    private async Task AdjustAsync(RedisKey[] keys, IEnumerable<(RedisAdmissionPlan.Entry Entry, long Change)> changes, string what, string? callId = null)
    {
        try
        {
            // A refund closes the call it gives back (unless a recovery gave it back already: then it changes nothing).
            var args = new List<RedisValue> { _generation, (string)node.Open(node.Id)!, (string)node.GivenBack(node.Id)!, callId ?? string.Empty };
            foreach (var (e, change) in changes)
            {
                args.Add(e.Key);
                args.Add(e.Field);
                args.Add(change);
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await redis.Database.ScriptEvaluateAsync(QuotaScripts.Adjust, keys, [.. args]);
            OpenMaasMeter.RedisRoundTrip(started, what);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Not given back: the quota errs on the strict side until the day (or the minute) ends.
            ClusterLog.LogUnavailable(logger, e.GetType().Name);
        }
    }

    public async ValueTask<(int Organization, int Member)> GetOrganizationUsedAsync(long organizationId, long userId, DateOnly day, CancellationToken ct = default)
    {
        try
        {
            var org = await redis.Database.HashGetAsync(OrganizationDay(organizationId, day), Total);
            var member = await redis.Database.HashGetAsync(UserDay(userId, day), RedisAdmissionPlan.MemberField(organizationId));
            return ((int)(org.HasValue ? (long)org : 0), (int)(member.HasValue ? (long)member : 0));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            ClusterLog.LogUnavailable(logger, e.GetType().Name);
            var logged = (await usage.PerOrganizationAsync(day, ct)).Where(o => o.OrganizationId == organizationId).ToList();
            return (logged.Sum(o => o.Units), logged.Where(o => o.UserId == userId).Sum(o => o.Units));
        }
    }

    public async ValueTask<(int Total, IReadOnlyDictionary<string, int> PerModel)> GetUsedAsync(long userId, DateOnly day, CancellationToken ct = default)
    {
        try
        {
            var fields = await redis.Database.HashGetAllAsync(UserDay(userId, day));
            if (fields.Length > 0)
            {
                var perModel = fields.Where(f => f.Name.StartsWith("m:")).ToDictionary(f => ((string)f.Name!)[2..], f => (int)f.Value, StringComparer.Ordinal);
                return ((int)fields.FirstOrDefault(f => f.Name == Total).Value, perModel);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            ClusterLog.LogUnavailable(logger, e.GetType().Name);
        }

        var logged = await usage.PerModelAsync(userId, day, ct);
        return (logged.Sum(t => t.Calls), logged.ToDictionary(t => t.ModelId!, t => t.Calls, StringComparer.Ordinal));
    }

    /// <summary>The generation moved or vanished under <paramref name="tried"/>: adopt the current one (adding this node's
    /// calls in flight, once per generation), or rebuild.</summary>
    internal async Task SynchronizeAsync(DateOnly day, string tried, CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            if (_generation != tried)
            {
                return; // another caller on this node synchronised meanwhile: its calls in flight are already added
            }

            var current = await redis.Database.StringGetAsync(GenerationKey);
            if (current.HasValue && current == _generation)
            {
                return;
            }

            if (current.HasValue)
            {
                // The calls this node settled after the rebuild read the usage log are in neither: add them too
                // (a margin for clocks of two nodes that differ a little).
                var since = ReadAt(current!) - ClockMargin;
                if (await RunAsync(QuotaScripts.Adopt, current!, day, inFlight.Snapshot(since)))
                {
                    _generation = current!;
                }

                return;
            }

            await RebuildAsync(day, ct);
        }
        finally
        {
            _sync.Release();
        }
    }

    private async Task RebuildAsync(DateOnly day, CancellationToken ct)
    {
        var lockKey = redis.Key("quota:rebuilding");
        if (!await redis.Database.StringSetAsync(lockKey, node.Id, TimeSpan.FromSeconds(30), When.NotExists))
        {
            await Task.Delay(50, ct); // another node is rebuilding
            return;
        }

        try
        {
            // Open calls first, then the log: a call that settles in between is counted twice (strict), never lost.
            var readAt = inFlight.Now;
            var open = inFlight.Snapshot().Where(p => p.Key.Day == day).ToList();
            var calls = new Dictionary<QuotaKey, int>();
            foreach (var t in await usage.PerModelAsync(null, day, ct))
            {
                calls[new QuotaKey(t.UserId, t.ModelId!, day)] = t.Units;
            }

            var tokens = await usage.PerTokenAsync(null, day, ct);
            var organizations = await usage.PerOrganizationAsync(day, ct);
            foreach (var (key, n) in open)
            {
                calls[key] = calls.GetValueOrDefault(key) + n;
            }

            var generation = Guid.NewGuid().ToString("N") + ":" + readAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (await RunAsync(QuotaScripts.Rebuild, generation, day, calls, tokens, organizations))
            {
                _generation = generation;
                ClusterLog.LogRebuilt(logger, calls.Values.Sum(), day);
            }
        }
        finally
        {
            await redis.Database.KeyDeleteAsync(lockKey);
        }
    }

    private async Task<bool> RunAsync(string script, string generation, DateOnly day, Dictionary<QuotaKey, int> calls,
        IReadOnlyList<TokenUsage>? logged = null, IReadOnlyList<OrganizationUsage>? organizations = null)
    {
        var args = new List<RedisValue> { generation, ExpireAt(day) };
        // Organisation and member counters: the usage log's (rebuild) plus the calls in flight in an organisation.
        var members = (organizations ?? []).Select(o => (o.OrganizationId, o.UserId, o.Units))
            .Concat(calls.Where(p => p.Key.OrganizationId is not null).Select(p => (OrganizationId: p.Key.OrganizationId!.Value, p.Key.UserId, Units: p.Value)))
            .GroupBy(o => (o.OrganizationId, o.UserId)).ToList();
        foreach (var m in members)
        {
            args.Add((string)UserDay(m.Key.UserId, day)!);
            args.Add(RedisAdmissionPlan.MemberField(m.Key.OrganizationId));
            args.Add(m.Sum(x => x.Units));
        }

        foreach (var o in members.GroupBy(m => m.Key.OrganizationId))
        {
            args.Add((string)OrganizationDay(o.Key, day)!);
            args.Add(Total);
            args.Add(o.Sum(m => m.Sum(x => x.Units)));
        }

        // Token counters: the usage log's (rebuild) plus the calls in flight with a token.
        var tokens = (logged ?? []).Select(t => (t.UserId, t.TokenId, Calls: t.Units))
            .Concat(calls.Where(p => p.Key.TokenId is not null).Select(p => (p.Key.UserId, TokenId: p.Key.TokenId!.Value, Calls: p.Value)))
            .GroupBy(t => (t.UserId, t.TokenId));
        foreach (var t in tokens)
        {
            args.Add((string)UserDay(t.Key.UserId, day)!);
            args.Add(TokenField(t.Key.TokenId));
            args.Add(t.Sum(x => x.Calls));
        }

        foreach (var (key, n) in Fields(calls))
        {
            args.Add((string)UserDay(key.UserId, key.Day)!);
            args.Add(key.ModelId);
            args.Add(n);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var done = (int)await redis.Database.ScriptEvaluateAsync(script, [GenerationKey], [.. args]) == 1;
        OpenMaasMeter.RedisRoundTrip(started, "rebuild");
        return done;
    }

    // (user, day, field) → value, with the user's total summed from the per-model counts.
    private static IEnumerable<(QuotaKey Key, int N)> Fields(Dictionary<QuotaKey, int> calls) =>
        calls.GroupBy(p => (p.Key.UserId, p.Key.Day, p.Key.ModelId)).Select(g => (new QuotaKey(g.Key.UserId, ModelField(g.Key.ModelId), g.Key.Day), g.Sum(p => p.Value)))
            .Concat(calls.GroupBy(p => (p.Key.UserId, p.Key.Day)).Select(g => (new QuotaKey(g.Key.UserId, Total, g.Key.Day), g.Sum(p => p.Value))));

    private long ExpireAt(DateOnly day)
    {
        var midnight = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        var resets = new DateTimeOffset(midnight, calendar.Zone.GetUtcOffset(midnight));
        return resets.AddSeconds(redis.Options.ExpiryGraceSeconds).ToUnixTimeSeconds();
    }
}
