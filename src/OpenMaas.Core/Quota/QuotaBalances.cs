using OpenMaas.Core.Usage;

namespace OpenMaas.Core.Quota;

/// <summary>One daily pool's balance: units allowed (null: no limit), spent and left today.</summary>
public sealed record PoolBalance(string Pool, long? Id, int? Limit, int Used, int? Remaining);

/// <summary>What a caller may still spend today: the tightest pool's limit, used and remaining, and every pool that
/// applies (user; token; organisation and member when the caller is in one). Units: a call spends its model's weight.</summary>
public sealed record QuotaBalance(DateOnly Date, string TimeZone, DateTimeOffset ResetsAt, int Limit, int Used, int Remaining, IReadOnlyList<PoolBalance> Pools);

/// <summary>Builds balances from the live counters (calls in flight included) and the limits; a token's units come from
/// the usage log.</summary>
public sealed class QuotaBalances(IQuotaCounter counter, IQuotaLimits limits, IUsageQueries usage, QuotaCalendar calendar)
{
    public async Task<QuotaBalance> ForAsync(long userId, long? tokenId, int? tokenScopeCap, long? organizationId, CancellationToken ct)
    {
        var today = calendar.Today();
        // No model: only the rows of pools that do not depend on the model.
        var effective = await limits.ResolveAsync(userId, string.Empty, tokenId, organizationId, ct);
        var (used, _) = await counter.GetUsedAsync(userId, today.Date, ct);
        var pools = new List<PoolBalance> { Pool("user", userId, effective.Daily, used) };
        if (tokenId is { } token)
        {
            var cap = (effective.Token.Daily, tokenScopeCap) switch
            {
                ({ } a, { } b) => Math.Min(a, b),
                (var a, var b) => a ?? b,
            };
            var spent = (await usage.PerTokenAsync(userId, today.Date, ct)).FirstOrDefault(t => t.TokenId == token)?.Units ?? 0;
            pools.Add(Pool("token", token, cap, spent));
        }

        if (organizationId is { } org)
        {
            var (orgUsed, memberUsed) = await counter.GetOrganizationUsedAsync(org, userId, today.Date, ct);
            pools.Add(Pool("organization", org, effective.Organization.Daily, orgUsed));
            pools.Add(Pool("member", org, effective.Member.Daily, memberUsed));
        }

        var tightest = pools.Where(p => p.Limit is not null).MinBy(p => p.Remaining) ?? pools[0];
        return new QuotaBalance(today.Date, calendar.Zone.Id, today.ResetsAt, tightest.Limit ?? int.MaxValue, tightest.Used, tightest.Remaining ?? int.MaxValue, pools);
    }

    private static PoolBalance Pool(string name, long id, int? limit, int used) => new(name, id, limit, used, limit is { } l ? Math.Max(0, l - used) : null);
}
