using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Server.Runtimes.Audio;

/// <summary>Settings of the audio endpoints (section <c>Audio</c>).</summary>
public sealed class AudioOptions
{
    public const string Section = "Audio";

    /// <summary>Largest upload to <c>/v1/audio/transcriptions</c> and <c>/translations</c> (OpenAI's limit is 25 MB);
    /// beyond it the call is a 413.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 25 << 20;
}
