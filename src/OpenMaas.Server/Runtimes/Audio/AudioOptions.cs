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

    /// <summary>Most bytes of speech an engine may answer to the task API's <c>text-to-speech</c> (the audio is sent back
    /// as base64 in JSON, so it is held whole; <c>/v1/audio/speech</c> streams and has no such limit).</summary>
    [Range(1024, int.MaxValue)]
    public int MaxSpeechBytes { get; set; } = 64 << 20;
}
