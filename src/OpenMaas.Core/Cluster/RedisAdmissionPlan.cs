using System.Globalization;
using OpenMaas.Core.Quota;
using StackExchange.Redis;

namespace OpenMaas.Core.Cluster;

/// <summary>
/// Every counter one call touches in Redis, as entries of the <see cref="QuotaScripts.Admit"/> script: daily units in the
/// user-day hash (key 2: <c>total</c>, <c>m:MODEL</c>, <c>t:TOKEN</c>, <c>o:ORG</c> for the member) and the
/// organisation-day hash (key 3, with an organisation), and requests and tokens of every pool with a per-minute limit in
/// the minute's hash (the last key). Add an entry here for a new kind of limit.
/// </summary>
internal sealed record RedisAdmissionPlan(IReadOnlyList<RedisAdmissionPlan.Entry> Entries, bool PerMinute)
{
    public enum Counts : byte
    {
        Units,
        Requests,
        Tokens,
    }

    /// <summary>One counter: the hash (index into KEYS), the field, its limit and what this call adds.</summary>
    public readonly record struct Entry(int Key, string Field, long Limit, long Increment, QuotaPool Pool, Counts Kind);

    private const long Unlimited = long.MaxValue / 4; // exact in Lua's doubles once added to a count

    public static string MemberField(long organizationId) => "o:" + organizationId.ToString(CultureInfo.InvariantCulture);

    public static RedisAdmissionPlan For(QuotaKey key, EffectiveLimits limits, CallCost cost)
    {
        const int userDay = 2;
        var orgDay = key.OrganizationId is null ? 0 : 3;
        var minuteKey = orgDay == 0 ? 3 : 4;
        var units = Math.Max(1, cost.Units);
        var entries = new List<Entry>(12)
        {
            new(userDay, "total", limits.User.Daily ?? Unlimited, units, QuotaPool.User, Counts.Units),
            new(userDay, "m:" + key.ModelId, limits.UserModel.Daily ?? Unlimited, units, QuotaPool.UserModel, Counts.Units),
        };
        var user = key.UserId.ToString(CultureInfo.InvariantCulture);
        List<(QuotaPool Pool, string Id)> pools = [(QuotaPool.User, "u:" + user), (QuotaPool.UserModel, "um:" + user + ":" + key.ModelId)];
        if (key.TokenId is { } token)
        {
            entries.Add(new(userDay, "t:" + token.ToString(CultureInfo.InvariantCulture), limits.Token.Daily ?? Unlimited, units, QuotaPool.Token, Counts.Units));
            pools.Add((QuotaPool.Token, "t:" + token.ToString(CultureInfo.InvariantCulture)));
        }

        if (key.OrganizationId is { } org)
        {
            var id = org.ToString(CultureInfo.InvariantCulture);
            entries.Add(new(orgDay, "total", limits.Organization.Daily ?? Unlimited, units, QuotaPool.Organization, Counts.Units));
            entries.Add(new(userDay, MemberField(org), limits.Member.Daily ?? Unlimited, units, QuotaPool.Member, Counts.Units));
            pools.Add((QuotaPool.Organization, "o:" + id));
            pools.Add((QuotaPool.Member, "om:" + id + ":" + user));
        }

        pools.Add((QuotaPool.Model, "g:" + key.ModelId));
        var perMinute = false;
        if (cost.Minute != 0 && limits.PerMinute)
        {
            foreach (var (pool, id) in pools)
            {
                var l = limits[pool];
                if (l.Rpm is { } rpm)
                {
                    entries.Add(new(minuteKey, id + ":r", rpm, 1, pool, Counts.Requests));
                    perMinute = true;
                }

                if (l.Tpm is { } tpm)
                {
                    entries.Add(new(minuteKey, id + ":k", tpm, Math.Max(0, cost.Tokens), pool, Counts.Tokens));
                    perMinute = true;
                }
            }
        }

        return new RedisAdmissionPlan(entries, perMinute) { Minute = cost.Minute };
    }

    public long Minute { get; private init; }

    /// <summary>The admission the script's answer means: <paramref name="refused"/> is the 1-based entry that refused the
    /// call (0: admitted); the counts follow from the answer's third element on.</summary>
    public Admission Outcome(int refused, RedisResult[] result)
    {
        var verdict = QuotaVerdict.Admitted;
        var pool = QuotaPool.User;
        if (refused > 0)
        {
            var e = Entries[refused - 1];
            pool = e.Pool;
            verdict = e.Kind switch
            {
                Counts.Requests => QuotaVerdict.RequestRateReached,
                Counts.Tokens => QuotaVerdict.TokenRateReached,
                _ => e.Pool switch
                {
                    QuotaPool.UserModel => QuotaVerdict.ModelLimitReached,
                    QuotaPool.Token => QuotaVerdict.TokenLimitReached,
                    QuotaPool.Organization => QuotaVerdict.OrganizationLimitReached,
                    QuotaPool.Member => QuotaVerdict.MemberLimitReached,
                    _ => QuotaVerdict.DailyLimitReached,
                },
            };
        }

        int used = 0, modelUsed = 0, tokenUsed = 0, orgUsed = 0, memberUsed = 0;
        var window = new MinuteWindow(null, 0, null, 0, Minute);
        for (var i = 0; i < Entries.Count && i + 2 < result.Length; i++)
        {
            var e = Entries[i];
            var count = (long)result[i + 2];
            switch (e.Kind)
            {
                case Counts.Units:
                    var units = (int)Math.Min(int.MaxValue, count);
                    _ = e.Pool switch
                    {
                        QuotaPool.User => used = units,
                        QuotaPool.UserModel => modelUsed = units,
                        QuotaPool.Token => tokenUsed = units,
                        QuotaPool.Organization => orgUsed = units,
                        _ => memberUsed = units,
                    };
                    break;
                case Counts.Requests when window.RequestLimit is null || e.Limit - count < window.RequestsRemaining:
                    window = window with { RequestLimit = (int)e.Limit, RequestsRemaining = (int)Math.Max(0, e.Limit - count) };
                    break;
                case Counts.Tokens when window.TokenLimit is null || e.Limit - count < window.TokensRemaining:
                    window = window with { TokenLimit = (int)e.Limit, TokensRemaining = Math.Max(0, e.Limit - count) };
                    break;
            }
        }

        return new Admission(verdict, used, modelUsed, tokenUsed) { Pool = pool, OrganizationUsed = orgUsed, MemberUsed = memberUsed, Minute = window };
    }
}
