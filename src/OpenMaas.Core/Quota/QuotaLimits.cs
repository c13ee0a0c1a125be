using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Quota;

internal sealed class QuotaLimits(
    IDbContextFactory<OpenMaasDbContext> factory,
    DbConnections reads,
    IOptions<QuotaOptions> options,
    IChangeNotice stamp,
    IAuditLog audit,
    TimeProvider clock) : IQuotaLimits
{
    /// <summary>(user, model, token, organisation) keys kept in memory between changes; past it the cache starts over.</summary>
    internal const int CacheCapacity = 10_000;

    private readonly StampedCache<(long, string, long, long), EffectiveLimits> _forCall = new(stamp, CacheCapacity);

    // The hot path of every inference call, on a cache miss: the rows of every scope the call falls in (at most eight).
    // Absent token and organisation are -1 (no row has that id), which keeps every parameter typed.
    private const string ForCall =
        "SELECT \"UserId\", \"ModelId\", \"TokenId\", \"OrganizationId\", \"DailyCalls\", \"RequestsPerMinute\", \"TokensPerMinute\" FROM quota_limits " +
        "WHERE (\"UserId\" IS NULL OR \"UserId\" = @user) AND (\"ModelId\" IS NULL OR \"ModelId\" = @model) " +
        "AND (\"TokenId\" IS NULL OR \"TokenId\" = @token) AND (\"OrganizationId\" IS NULL OR \"OrganizationId\" = @org)";

    public async Task<EffectiveLimits> ResolveAsync(long userId, string modelId, long? tokenId, long? organizationId, CancellationToken ct = default) =>
        await _forCall.GetOrLoadAsync((userId, modelId, tokenId ?? -1, organizationId ?? -1), this,
            static (self, key, ct) => self.ReadAsync(key.Item1, key.Item2, key.Item3, key.Item4, ct), ct);

    private async Task<(EffectiveLimits, bool Keep)> ReadAsync(long userId, string modelId, long tokenId, long organizationId, CancellationToken ct)
    {
        await using var connection = await reads.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = ForCall;
        command.Add("@user", userId);
        command.Add("@model", modelId);
        command.Add("@token", tokenId);
        command.Add("@org", organizationId);
        var rows = new List<QuotaLimit>(8);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new QuotaLimit
                {
                    UserId = reader.IsDBNull(0) ? null : reader.GetInt64(0),
                    ModelId = reader.IsDBNull(1) ? null : reader.GetString(1),
                    TokenId = reader.IsDBNull(2) ? null : reader.GetInt64(2),
                    OrganizationId = reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    DailyCalls = reader.IsDBNull(4) ? null : reader.GetInt32(4),
                    RequestsPerMinute = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                    TokensPerMinute = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                });
            }
        }

        return (Effective(rows, options.Value.DailyCalls), true);
    }

    /// <summary>Every pool's limits from the rows of the scopes a call falls in: a user's own row before the default,
    /// value by value; a user's cap for a model before every user's cap for it.</summary>
    internal static EffectiveLimits Effective(List<QuotaLimit> rows, int configuredDaily)
    {
        QuotaLimit? Of(LimitScopeKind kind) => rows.Find(r => r.Scope.Kind == kind);
        var (user, fallback) = (Of(LimitScopeKind.User), Of(LimitScopeKind.Default));
        var (userModel, model) = (Of(LimitScopeKind.UserModel), Of(LimitScopeKind.Model));
        return new EffectiveLimits(user?.DailyCalls ?? fallback?.DailyCalls ?? configuredDaily, userModel?.DailyCalls ?? model?.DailyCalls)
        {
            User = new PoolLimits(
                user?.DailyCalls ?? fallback?.DailyCalls ?? configuredDaily,
                user?.RequestsPerMinute ?? fallback?.RequestsPerMinute,
                user?.TokensPerMinute ?? fallback?.TokensPerMinute),
            UserModel = new PoolLimits(userModel?.DailyCalls ?? model?.DailyCalls, userModel?.RequestsPerMinute, userModel?.TokensPerMinute),
            Token = Pool(Of(LimitScopeKind.Token)),
            Organization = Pool(Of(LimitScopeKind.Organization)),
            Member = Pool(Of(LimitScopeKind.Member)),
            Model = new PoolLimits(null, model?.RequestsPerMinute, model?.TokensPerMinute),
        };
    }

    private static PoolLimits Pool(QuotaLimit? row) => row is null ? default : new(row.DailyCalls, row.RequestsPerMinute, row.TokensPerMinute);

    public async Task<(int Daily, IReadOnlyDictionary<string, int> ModelCaps)> ResolveAllAsync(long userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.QuotaLimits.AsNoTracking()
            .Where(l => (l.UserId == null || l.UserId == userId) && l.TokenId == null && l.OrganizationId == null).ToListAsync(ct);
        var caps = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r.ModelId is not null && r.DailyCalls is not null).OrderBy(r => r.UserId is null ? 0 : 1))
        {
            caps[row.ModelId!] = row.DailyCalls!.Value; // a user's own cap overrides the cap for everyone
        }

        return (Effective(rows, options.Value.DailyCalls).Daily, caps);
    }

    public async Task SetAsync(LimitScope scope, LimitValues values, CancellationToken ct = default)
    {
        if (scope.Kind is null)
        {
            throw new ArgumentException(LimitScope.Combinations, nameof(scope));
        }

        if (values.Daily < LimitValues.Clear || values.Rpm < LimitValues.Clear || values.Tpm < LimitValues.Clear)
        {
            throw new ArgumentOutOfRangeException(nameof(values), "A limit is 0 or more.");
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var limit = await db.QuotaLimits.FirstOrDefaultAsync(
            l => l.UserId == scope.UserId && l.ModelId == scope.ModelId && l.TokenId == scope.TokenId && l.OrganizationId == scope.OrganizationId, ct);
        if (limit is null)
        {
            limit = new QuotaLimit { UserId = scope.UserId, ModelId = scope.ModelId, TokenId = scope.TokenId, OrganizationId = scope.OrganizationId };
            db.QuotaLimits.Add(limit);
        }

        var added = db.Entry(limit).State == EntityState.Added;
        var before = added ? null : new { limit.DailyCalls, limit.RequestsPerMinute, limit.TokensPerMinute };
        limit.DailyCalls = Apply(limit.DailyCalls, values.Daily);
        limit.RequestsPerMinute = Apply(limit.RequestsPerMinute, values.Rpm);
        limit.TokensPerMinute = Apply(limit.TokensPerMinute, values.Tpm);
        var after = new { limit.DailyCalls, limit.RequestsPerMinute, limit.TokensPerMinute };
        limit.UpdatedAt = clock.GetUtcNow();
        if (limit.DailyCalls is null && limit.RequestsPerMinute is null && limit.TokensPerMinute is null)
        {
            db.QuotaLimits.Remove(limit); // nothing left on the scope
        }

        await db.SaveChangesAsync(ct);
        if (Equals(before, after) || (added && after.DailyCalls is null && after.RequestsPerMinute is null && after.TokensPerMinute is null))
        {
            return; // nothing changed (a settings form saved as it was)
        }

        static string Of(long? id) => id is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "*";
        var target = $"user={Of(scope.UserId)} model={scope.ModelId ?? "*"} token={Of(scope.TokenId)} org={Of(scope.OrganizationId)}";
        await audit.RecordAsync(new AuditEntry(AuditActions.QuotaSet, AuditActions.Targets.Quota, target)
        {
            Before = before is null ? null : AuditJson.Of(before),
            After = AuditJson.Of(new { scope.UserId, scope.ModelId, scope.TokenId, scope.OrganizationId, after.DailyCalls, after.RequestsPerMinute, after.TokensPerMinute }),
        }, ct);
    }

    private static int? Apply(int? current, int? value) => value switch
    {
        null => current,
        LimitValues.Clear => null,
        _ => value,
    };

    public async Task<IReadOnlyList<QuotaLimit>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.QuotaLimits.AsNoTracking()
            .OrderBy(l => l.OrganizationId).ThenBy(l => l.TokenId).ThenBy(l => l.UserId).ThenBy(l => l.ModelId).ToListAsync(ct);
    }
}
