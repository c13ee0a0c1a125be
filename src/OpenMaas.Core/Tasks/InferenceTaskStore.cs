using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Tasks;

/// <summary>
/// The durable task table. Every change of state is one conditional update, so on any number of nodes a task is
/// claimed by one worker and finished (or failed, and refunded) exactly once.
/// </summary>
public sealed class InferenceTaskStore
{
    // The poll's columns only: a poll never reads the request (an edit's input image can be megabytes).
    private const string PollById =
        "SELECT \"UserId\", \"RequestId\", \"Status\", \"Outputs\", \"ErrorCode\", \"ErrorMessage\" FROM inference_tasks WHERE \"Id\" = @id";

    private readonly IDbContextFactory<OpenMaasDbContext> factory;
    private readonly DbConnections reads;
    private readonly TimeProvider clock;

    internal InferenceTaskStore(IDbContextFactory<OpenMaasDbContext> factory, DbConnections reads, TimeProvider clock)
    {
        this.factory = factory;
        this.reads = reads;
        this.clock = clock;
    }

    public async Task AddAsync(InferenceTask task, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Add(task);
        await db.SaveChangesAsync(ct);
    }

    public async Task<InferenceTask?> FindAsync(string id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<InferenceTask>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
    }

    /// <summary>What a poll answers, read as one plain statement on a pooled connection (the poll is the hottest read of
    /// a task: clients call it every few seconds while the task runs, and EF Core's per-query cost was most of its CPU).</summary>
    public async Task<TaskPoll?> PollAsync(string id, CancellationToken ct = default)
    {
        await using var connection = await reads.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = PollById;
        command.Add("@id", id);
        await using var row = await command.ExecuteReaderAsync(ct);
        return await row.ReadAsync(ct)
            ? new TaskPoll(id, row.GetInt64(0), row.GetString(1), row.GetString(2), row.IsDBNull(3) ? null : row.GetString(3),
                row.IsDBNull(4) ? null : row.GetString(4), row.IsDBNull(5) ? null : row.GetString(5))
            : null;
    }

    /// <summary>The newest <paramref name="count"/> tasks of <paramref name="userId"/>, newest first (its usage page).</summary>
    public async Task<IReadOnlyList<InferenceTask>> RecentAsync(long userId, int count, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<InferenceTask>().AsNoTracking().Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAtMs).Take(count).ToListAsync(ct);
    }

    /// <summary>Oldest pending tasks first (candidates to claim).</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(int count, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var pending = await db.Set<InferenceTask>().Where(t => t.Status == TaskStatuses.Pending).Select(t => new { t.Id, t.CreatedAt }).ToListAsync(ct);
        return [.. pending.OrderBy(t => t.CreatedAt).Take(count).Select(t => t.Id)]; // SQLite cannot order by a DateTimeOffset
    }

    /// <summary>Moves a pending task to running on <paramref name="node"/>; false when another worker was first.</summary>
    public async Task<bool> TryClaimAsync(string id, string node, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<InferenceTask>().Where(t => t.Id == id && t.Status == TaskStatuses.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TaskStatuses.Running).SetProperty(t => t.Node, node)
                .SetProperty(t => t.StartedAt, now).SetProperty(t => t.HeartbeatAt, now), ct) == 1;
    }

    public async Task HeartbeatAsync(string id, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Set<InferenceTask>().Where(t => t.Id == id && t.Status == TaskStatuses.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.HeartbeatAt, now), ct);
    }

    /// <summary>Records the outputs of a running task; false when it is no longer running (it was expired).</summary>
    public async Task<bool> SucceedAsync(string id, IReadOnlyList<string> outputs, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var joined = string.Join('\n', outputs);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<InferenceTask>().Where(t => t.Id == id && t.Status == TaskStatuses.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TaskStatuses.Succeeded).SetProperty(t => t.Outputs, joined).SetProperty(t => t.FinishedAt, now), ct) == 1;
    }

    /// <summary>Fails a task that is not finished; true for the one caller that did it (and must refund it).</summary>
    public async Task<bool> FailAsync(string id, string code, string message, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<InferenceTask>().Where(t => t.Id == id && (t.Status == TaskStatuses.Pending || t.Status == TaskStatuses.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TaskStatuses.Failed).SetProperty(t => t.ErrorCode, code)
                .SetProperty(t => t.ErrorMessage, message).SetProperty(t => t.FinishedAt, now), ct) == 1;
    }

    /// <summary>What the submission's usage record counted: the organisation it was counted in and its units (what a
    /// refund gives back). Null while the record is not written yet, or once it is refunded.</summary>
    public async Task<RefundedUsage?> CountedUsageAsync(InferenceTask task, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Usage.Where(r => r.UserId == task.UserId && r.RequestId == task.RequestId && r.Counted)
            .Select(r => new RefundedUsage(r.OrganizationId, r.Units)).FirstOrDefaultAsync(ct);
    }

    /// <summary>Marks the submission's usage record refunded (so counters rebuilt from the log agree).</summary>
    public async Task RefundUsageAsync(InferenceTask task, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Usage.Where(r => r.UserId == task.UserId && r.RequestId == task.RequestId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Counted, false), ct);
    }

    /// <summary>Removes up to <paramref name="limit"/> finished tasks (SUCCEED or FAILED) submitted before
    /// <paramref name="cutoff"/>, oldest first; returns how many went and the names of their outputs (to remove too).</summary>
    public async Task<(int Removed, IReadOnlyList<string> Outputs)> RemoveFinishedAsync(DateTimeOffset cutoff, int limit, CancellationToken ct = default)
    {
        var before = cutoff.ToUnixTimeMilliseconds();
        await using var db = await factory.CreateDbContextAsync(ct);
        var expired = await db.Set<InferenceTask>()
            .Where(t => t.CreatedAtMs < before && (t.Status == TaskStatuses.Succeeded || t.Status == TaskStatuses.Failed))
            .OrderBy(t => t.CreatedAtMs).Take(limit).Select(t => new { t.Id, t.Outputs }).ToListAsync(ct);
        if (expired.Count == 0)
        {
            return (0, []);
        }

        var ids = expired.Select(t => t.Id).ToList();
        var removed = await db.Set<InferenceTask>().Where(t => ids.Contains(t.Id)).ExecuteDeleteAsync(ct);
        return (removed, [.. expired.SelectMany(t => (t.Outputs ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))]);
    }

    /// <summary>Running tasks whose node stopped beating before <paramref name="cutoff"/> (it died).</summary>
    public async Task<IReadOnlyList<string>> StaleAsync(DateTimeOffset cutoff, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var running = await db.Set<InferenceTask>().Where(t => t.Status == TaskStatuses.Running).Select(t => new { t.Id, t.HeartbeatAt }).ToListAsync(ct);
        return [.. running.Where(t => t.HeartbeatAt < cutoff).Select(t => t.Id)];
    }
}

/// <summary>What a refunded usage record had counted: the organisation (null: none) and the units.</summary>
public sealed record RefundedUsage(long? OrganizationId, int Units);
