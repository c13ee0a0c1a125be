using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Images;

/// <summary>A protocol-neutral image generation (or edit) for a model served by engines: the fields OpenMaaS checks,
/// and the client's request as the engine gets it (every field as sent).</summary>
public sealed record ImageRequest : IInferenceRequest
{
    /// <inheritdoc/>
    public required string Model { get; init; }

    /// <inheritdoc/>
    public required CallEndpoint Endpoint { get; init; }

    public required string Prompt { get; init; }

    /// <summary>How many images.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Images come back as base64 in the answer rather than as links.</summary>
    public bool Base64 { get; init; }

    /// <summary>ModelScope's async mode (<c>X-ModelScope-Async-Mode: true</c>): answer a task id at once.</summary>
    public bool Async { get; init; }

    /// <summary>The client's JSON body (what an async task keeps and later sends); null for a multipart edit.</summary>
    public ReadOnlyMemory<byte>? Json { get; init; }

    /// <summary>The engine's path: <c>images/generations</c> or <c>images/edits</c>.</summary>
    public required string EnginePath { get; init; }

    /// <summary>The request as the engine gets it, given its name of the model (called again on a retry).</summary>
    public required Func<string, HttpContent> EngineBody { get; init; }
}

/// <summary>An image call ready to run on the model's engines.</summary>
/// <param name="ModelId">The Model ID called.</param>
public sealed record PreparedImages(string ModelId);

/// <summary>A generated image.</summary>
/// <param name="Bytes">The image file (PNG, JPEG, WebP as the engine made it).</param>
/// <param name="ContentType">Its media type, from its first bytes.</param>
public sealed record GeneratedImage(byte[] Bytes, string ContentType)
{
    /// <summary>The media type of an image file by its magic bytes.</summary>
    public static string Sniff(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) ? "image/png"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : bytes.Length > 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8) ? "image/webp"
        : bytes.StartsWith("GIF8"u8) ? "image/gif"
        : "application/octet-stream";
}
