using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenMaas.Core.Tasks;

/// <summary>
/// An asynchronous inference call (ModelScope's async task mode, e.g. image generation): durable, so any node answers a
/// poll and a task outlives the node that accepted it. It was admitted (one call of the quota) when submitted; a task
/// that fails is refunded once.
/// </summary>
public sealed class InferenceTask
{
    /// <summary>32 hex characters, random: a task ID is not guessable.</summary>
    public required string Id { get; set; }

    /// <summary>What kind of task, as ModelScope's <c>X-ModelScope-Task-Type</c> names it: <c>image_generation</c>.</summary>
    public required string Kind { get; set; }

    public long UserId { get; set; }

    public long? TokenId { get; set; }

    public required string ModelId { get; set; }

    /// <summary>The quota day the submission was admitted on; null when the call was not metered.</summary>
    public DateOnly? QuotaDay { get; set; }

    /// <summary>The request id of the submission (its usage record).</summary>
    public required string RequestId { get; set; }

    /// <summary>The request as the client sent it (JSON).</summary>
    public required byte[] Request { get; set; }

    public string Status { get; set; } = TaskStatuses.Pending;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary><see cref="CreatedAt"/> in Unix milliseconds: what lists order by (SQLite cannot order by a
    /// DateTimeOffset).</summary>
    public long CreatedAtMs { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Moved forward by the node that runs the task; a running task whose heartbeat is too old lost its node.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The node running it (for logs).</summary>
    public string? Node { get; set; }

    /// <summary>Names of the outputs (stored images), newline-separated.</summary>
    public string? Outputs { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }
}

/// <summary>What a poll of a task answers (<see cref="InferenceTaskStore.PollAsync"/>): its state, outputs and error.</summary>
public sealed record TaskPoll(string Id, long UserId, string RequestId, string Status, string? Outputs, string? ErrorCode, string? ErrorMessage);

/// <summary>ModelScope's task states.</summary>
public static class TaskStatuses
{
    public const string Pending = "PENDING";
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEED";
    public const string Failed = "FAILED";
}

internal sealed class InferenceTaskConfiguration : IEntityTypeConfiguration<InferenceTask>
{
    public void Configure(EntityTypeBuilder<InferenceTask> builder)
    {
        builder.ToTable("inference_tasks");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasMaxLength(32).UseCollation("BINARY");
        builder.Property(t => t.Kind).HasMaxLength(64);
        builder.Property(t => t.ModelId).HasMaxLength(256);
        builder.Property(t => t.RequestId).HasMaxLength(128);
        builder.Property(t => t.Status).HasMaxLength(16);
        builder.Property(t => t.Node).HasMaxLength(256);
        builder.Property(t => t.ErrorCode).HasMaxLength(64);
        builder.HasIndex(t => new { t.Status, t.CreatedAt });
        builder.HasIndex(t => new { t.UserId, t.CreatedAtMs });
    }
}
