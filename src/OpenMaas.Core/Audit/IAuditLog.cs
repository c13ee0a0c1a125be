namespace OpenMaas.Core.Audit;

/// <summary>Appends to the audit log (append-only: nothing changes or deletes a row but the retention job).</summary>
public interface IAuditLog
{
    /// <summary>Records <paramref name="entry"/>, filling who and from where from the current <see cref="IAuditActor"/>
    /// where the entry leaves them out.</summary>
    ValueTask RecordAsync(AuditEntry entry, CancellationToken ct = default);
}

/// <summary>Reads the audit log and applies its retention.</summary>
public interface IAuditQueries
{
    Task<AuditPage> ListAsync(AuditFilter filter, CancellationToken ct = default);

    /// <summary>Removes rows older than <c>Audit:RetentionDays</c> (none when it is 0); returns how many.</summary>
    Task<int> RemoveExpiredAsync(CancellationToken ct = default);
}

/// <summary>What to list: a time window, an actor name, an action (exact, or a prefix ending in <c>*</c>, e.g.
/// <c>token.*</c>), newest first, one page.</summary>
public sealed record AuditFilter
{
    public const int MaxPageSize = 1000;

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    public string? Actor { get; init; }

    public string? Action { get; init; }

    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 100;
}

public sealed record AuditPage(IReadOnlyList<AuditRow> Items, int Total, int Page, int PageSize);

/// <summary>One recorded event as read back.</summary>
public sealed record AuditRow(
    long Id, DateTimeOffset At, long? ActorId, string Actor, string? Address, string Action, string? TargetKind, string? TargetId, string? Before, string? After);
