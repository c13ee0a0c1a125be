using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Server.Runtimes.Images;

/// <summary>Settings of generated images (section <c>Images</c>).</summary>
public sealed class ImageOptions
{
    public const string Section = "Images";

    /// <summary>Where generated images are kept; empty: <c>DATA/images</c>. Nodes that answer each other's links share it.</summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>How long an image is kept (and its link works at most).</summary>
    [Range(1, 24 * 365)]
    public int RetentionHours { get; set; } = 24;

    /// <summary>How long a signed link in an answer opens the image without a token.</summary>
    [Range(1, 24 * 60 * 365)]
    public int LinkMinutes { get; set; } = 60;

    /// <summary>Most bytes an engine's answer of images may have.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxAnswerBytes { get; set; } = 128 << 20;
}
