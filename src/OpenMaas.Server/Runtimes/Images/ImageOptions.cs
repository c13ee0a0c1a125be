using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Server.Runtimes.Images;

/// <summary>Settings of generated images (section <c>Images</c>).</summary>
public sealed class ImageOptions : IValidatableObject
{
    public const string Section = "Images";

    /// <summary>Where generated images are kept; empty: <c>DATA/images</c>. Nodes that answer each other's links share it.</summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>How long an image is kept (and its link works at most).</summary>
    [Range(1, 24 * 365)]
    public int RetentionHours { get; set; } = 24;

    /// <summary>How long a finished task (SUCCEED or FAILED) is kept, from its submission: its poll answers and its row in
    /// the usage page until then. At least <see cref="RetentionHours"/>, so no image outlives its task.</summary>
    [Range(1, 24 * 365 * 10)]
    public int TaskRetentionHours { get; set; } = 24 * 30;

    /// <summary>How often the task retention job runs (on one node of a cluster).</summary>
    [Range(10, 86_400)]
    public int TaskCleanupSeconds { get; set; } = 3600;

    /// <summary>How long a signed link in an answer opens the image without a token.</summary>
    [Range(1, 24 * 60 * 365)]
    public int LinkMinutes { get; set; } = 60;

    /// <summary>Async tasks (ModelScope's async mode) that run at once on this node.</summary>
    [Range(1, 256)]
    public int Workers { get; set; } = 2;

    /// <summary>How often a node looks for pending tasks (other nodes' submissions, tasks left by a restart).</summary>
    [Range(10, 60_000)]
    public int PollMilliseconds { get; set; } = 500;

    /// <summary>A running task whose node has not beaten for this long is failed and refunded (its node died).</summary>
    [Range(1, 86_400)]
    public int TaskTimeoutSeconds { get; set; } = 300;

    /// <summary>Most bytes an engine's answer of images may have.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxAnswerBytes { get; set; } = 128 << 20;

    /// <summary>Most bytes of one image fetched from an engine that answers links instead of base64.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxImageBytes { get; set; } = 32 << 20;

    /// <summary>How long fetching one such image may take.</summary>
    [Range(1, 3600)]
    public int FetchTimeoutSeconds { get; set; } = 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TaskRetentionHours < RetentionHours)
        {
            yield return new ValidationResult(
                $"Images:TaskRetentionHours ({TaskRetentionHours}) must be at least Images:RetentionHours ({RetentionHours}): a task's images must not outlive it.",
                [nameof(TaskRetentionHours)]);
        }
    }
}
