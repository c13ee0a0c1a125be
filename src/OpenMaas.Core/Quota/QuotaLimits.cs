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
    /// <summary>(user, model) pairs kept in memory between changes; past it the cache starts over.</summary>
    internal const int CacheCapacity = 10_000;

    private readonly StampedCache<(long, string), EffectiveLimits> _forCall = new(stamp, CacheCapacity);

    // The hot path of every inference call, on a cache miss: at most four rows (default, user, model, user+model).
    private const string ForCall =
        "SELECT \"UserId\", \"ModelId\", \"DailyCalls\" FROM quota_limits " +
        "WHERE (\"UserId\" IS NULL OR \"UserId\" = @user) AND (\"ModelId\" IS NULL OR \"ModelId\" = @model)";

    public async Task<EffectiveLimits> ResolveAsync(long userId, string modelId, CancellationToken ct = default) =>
        await _forCall.GetOrLoadAsync((userId, modelId), this, static (self, key, ct) => self.ReadAsync(key.Item1, key.Item2, ct), ct);

    private async Task<(EffectiveLimits, bool Keep)> ReadAsync(long userId, string modelId, CancellationToken ct)
    {
        await using var connection = await reads.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = ForCall;
        command.Add("@user", userId);
        command.Add("@model", modelId);
        var rows = new List<QuotaLimit>(4);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new QuotaLimit
                {
                    UserId = reader.IsDBNull(0) ? null : reader.GetInt64(0),
                    ModelId = reader.IsDBNull(1) ? null : reader.GetString(1),
                    DailyCalls = reader.GetInt32(2),
                });
            }
        }

        int? modelCap = (rows.Find(r => r.UserId == userId && r.ModelId is not null) ?? rows.Find(r => r.UserId is null && r.ModelId is not null))?.DailyCalls;
        return (new EffectiveLimits(Daily(rows, userId), modelCap), true);
    }

    public async Task<(int Daily, IReadOnlyDictionary<string, int> ModelCaps)> ResolveAllAsync(long userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.QuotaLimits.AsNoTracking().Where(l => l.UserId == null || l.UserId == userId).ToListAsync(ct);
        var caps = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r.ModelId is not null).OrderBy(r => r.UserId is null ? 0 : 1))
        {
            caps[row.ModelId!] = row.DailyCalls; // a user's own cap overrides the cap for everyone
        }

        return (Daily(rows, userId), caps);
    }

    public async Task SetAsync(long? userId, string? modelId, int dailyCalls, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dailyCalls);
        await using var db = await factory.CreateDbContextAsync(ct);
        var limit = await db.QuotaLimits.FirstOrDefaultAsync(l => l.UserId == userId && l.ModelId == modelId, ct);
        if (limit is null)
        {
            limit = new QuotaLimit { UserId = userId, ModelId = modelId };
            db.QuotaLimits.Add(limit);
        }

        int? before = db.Entry(limit).State == EntityState.Added ? null : limit.DailyCalls;
        limit.DailyCalls = dailyCalls;
        limit.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        if (before == dailyCalls)
        {
            return; // nothing changed (a settings form saved as it was)
        }

        var target = $"user={(userId is { } u ? u.ToString(System.Globalization.CultureInfo.InvariantCulture) : "*")} model={modelId ?? "*"}";
        await audit.RecordAsync(new AuditEntry(AuditActions.QuotaSet, AuditActions.Targets.Quota, target)
        {
            Before = before is null ? null : AuditJson.Of(new { DailyCalls = before }),
            After = AuditJson.Of(new { UserId = userId, ModelId = modelId, DailyCalls = dailyCalls }),
        }, ct);
    }

    public async Task<IReadOnlyList<QuotaLimit>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.QuotaLimits.AsNoTracking().OrderBy(l => l.UserId).ThenBy(l => l.ModelId).ToListAsync(ct);
    }

    private int Daily(List<QuotaLimit> rows, long userId) =>
        (rows.Find(r => r.UserId == userId && r.ModelId is null) ?? rows.Find(r => r.UserId is null && r.ModelId is null))?.DailyCalls
        ?? options.Value.DailyCalls;
}
