using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Core.Library;

/// <summary>The API-Inference policy: which <c>auto</c> models /v1 serves.</summary>
public sealed class LibraryOptions
{
    public const string Section = "Library";

    /// <summary>How many servable <c>auto</c> models get API-Inference, most popular first.</summary>
    [Range(0, 100_000)]
    public int ApiInferenceTopN { get; set; } = 50;

    /// <summary>What one like weighs in the popularity score, in recent downloads.</summary>
    [Range(0, 1_000_000)]
    public int LikeWeight { get; set; } = 5;

    /// <summary>The window of days (today included) whose downloads count in the score.</summary>
    [Range(1, 3650)]
    public int RecentDownloadDays { get; set; } = 30;

    /// <summary>How often the server re-evaluates even when nothing changed (old downloads leave the window).</summary>
    [Range(1, 86_400)]
    public int ReevaluateSeconds { get; set; } = 600;
}
