using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Audit;

/// <summary>The audit log over EF Core: one insert per event (events are rare: sign-ins and admin changes, never a
/// call), read back newest first.</summary>
internal sealed class AuditLog(IDbContextFactory<OpenMaasDbContext> factory, IAuditActor actor, IOptions<AuditOptions> options, TimeProvider clock)
    : IAuditLog, IAuditQueries
{
    public async ValueTask RecordAsync(AuditEntry entry, CancellationToken ct = default)
    {
        var who = entry.ActorName is null && entry.ActorId is null ? actor.Current : null;
        var record = new AuditRecord
        {
            AtMs = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            ActorId = who?.UserId ?? entry.ActorId,
            Actor = Clip(who?.Name ?? entry.ActorName ?? AuditActor.System.Name, 128),
            Address = entry.Address ?? actor.Current.Address,
            Action = entry.Action,
            TargetKind = entry.TargetKind,
            TargetId = entry.TargetId is null ? null : Clip(entry.TargetId, 256),
            Before = entry.Before,
            After = entry.After,
        };
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Add(record);
        // The change it records has committed: the row is written even when the caller has gone.
        await db.SaveChangesAsync(CancellationToken.None);
    }

    public async Task<AuditPage> ListAsync(AuditFilter filter, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = db.Set<AuditRecord>().AsNoTracking();
        if (filter.Since is { } since)
        {
            var ms = since.ToUnixTimeMilliseconds();
            rows = rows.Where(r => r.AtMs >= ms);
        }

        if (filter.Until is { } until)
        {
            var ms = until.ToUnixTimeMilliseconds();
            rows = rows.Where(r => r.AtMs < ms);
        }

        if (filter.Actor is { Length: > 0 } name)
        {
            rows = rows.Where(r => r.Actor == name);
        }

        if (filter.Action is { Length: > 0 } action)
        {
            if (action.EndsWith('*'))
            {
                var prefix = action[..^1];
                rows = rows.Where(r => r.Action.StartsWith(prefix));
            }
            else
            {
                rows = rows.Where(r => r.Action == action);
            }
        }

        var total = await rows.CountAsync(ct);
        var page = Math.Max(1, filter.Page);
        var size = Math.Clamp(filter.PageSize, 1, AuditFilter.MaxPageSize);
        var items = await rows.OrderByDescending(r => r.AtMs).ThenByDescending(r => r.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new AuditPage([.. items.Select(ToRow)], total, page, size);
    }

    public async Task<int> RemoveExpiredAsync(CancellationToken ct = default)
    {
        if (options.Value.RetentionDays == 0)
        {
            return 0;
        }

        var cutoff = (clock.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays)).ToUnixTimeMilliseconds();
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<AuditRecord>().Where(r => r.AtMs < cutoff).ExecuteDeleteAsync(ct);
    }

    private static AuditRow ToRow(AuditRecord r) =>
        new(r.Id, DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs), r.ActorId, r.Actor, r.Address, r.Action, r.TargetKind, r.TargetId, r.Before, r.After);

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
