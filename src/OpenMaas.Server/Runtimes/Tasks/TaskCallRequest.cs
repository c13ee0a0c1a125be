using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Tasks;

/// <summary>A protocol-neutral task call (ModelScope's task API, <c>openmaas run</c>): the input as sent and the
/// numeric parameters. What the input means (text, or a base64 file) is decided by the model's task.</summary>
public sealed record TaskCallRequest : IInferenceRequest
{
    /// <inheritdoc/>
    public required string Model { get; init; }

    /// <inheritdoc/>
    public required CallEndpoint Endpoint { get; init; }

    public required TaskPayload Input { get; init; }

    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();

    /// <summary>Parameters given as strings (text-to-speech's <c>voice</c>); other tasks refuse them.</summary>
    public IReadOnlyDictionary<string, string> TextParameters { get; init; } = new Dictionary<string, string>();
}

/// <summary>A task call's <c>parameters</c> as read: numbers and strings apart.</summary>
public sealed record TaskParameters(IReadOnlyDictionary<string, double> Numbers, IReadOnlyDictionary<string, string> Texts)
{
    public static readonly TaskParameters None = new(new Dictionary<string, double>(), new Dictionary<string, string>());
}

/// <summary>The input of a task call, as parsed by the wire adapter.</summary>
public abstract record TaskPayload
{
    private TaskPayload()
    {
    }

    /// <summary>One string: text for text tasks, base64 for image and audio tasks.</summary>
    public sealed record Text(string Value) : TaskPayload;

    /// <summary>Several sentences.</summary>
    public sealed record Texts(IReadOnlyList<string> Values) : TaskPayload;

    /// <summary>ModelScope's sentence-similarity input: a source sentence and the sentences to compare with it.</summary>
    public sealed record Compare(string Source, IReadOnlyList<string> Targets) : TaskPayload;

    /// <summary>File bytes (multipart upload, or a decoded data URL).</summary>
    public sealed record File(ReadOnlyMemory<byte> Bytes) : TaskPayload;
}
