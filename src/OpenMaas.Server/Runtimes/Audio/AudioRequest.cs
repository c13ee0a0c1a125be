using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Audio;

/// <summary>What an audio endpoint asks of a model.</summary>
public enum AudioTask
{
    /// <summary>Speech to text (<c>/v1/audio/transcriptions</c>, <c>/v1/audio/translations</c>): task <c>auto-speech-recognition</c>.</summary>
    Recognition,

    /// <summary>Text to speech (<c>/v1/audio/speech</c>): task <c>text-to-speech</c>.</summary>
    Synthesis,
}

/// <summary>A protocol-neutral audio call for a model served by engines: the request as the engine gets it (every field
/// as sent, the engine's model name), its answer streamed back as it comes.</summary>
public sealed record AudioRequest : IInferenceRequest
{
    /// <inheritdoc/>
    public required string Model { get; init; }

    /// <inheritdoc/>
    public required CallEndpoint Endpoint { get; init; }

    public required AudioTask Task { get; init; }

    /// <summary>The engine's path, e.g. <c>audio/transcriptions</c>.</summary>
    public required string EnginePath { get; init; }

    /// <summary>The request as the engine gets it, given its name of the model (called again on a retry).</summary>
    public required Func<string, HttpContent> EngineBody { get; init; }
}

/// <summary>An audio call ready to run on the model's engines.</summary>
public sealed record PreparedAudio(string ModelId);
