using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>
/// Starts an admitted generation on its model's scheduler and pulls the first chunk before any surface commits a
/// status, so "busy" is still a 503 (with <c>Retry-After</c>) and an engine failure a 500. Surfaces then read
/// <see cref="Current"/> / <see cref="MoveNextAsync"/>; a failure after the first chunk surfaces as
/// <see cref="InferenceException"/> for the surface to end its stream with an error event.
/// </summary>
public sealed class GenerationStream : IAsyncDisposable
{
    private readonly IAsyncEnumerator<GenerationChunk> _chunks;

    private GenerationStream(IAsyncEnumerator<GenerationChunk> chunks, bool hasFirst)
    {
        _chunks = chunks;
        HasFirst = hasFirst;
    }

    /// <summary>False when the generation ended without any chunk.</summary>
    public bool HasFirst { get; }

    /// <summary>The current chunk.</summary>
    public GenerationChunk Current => _chunks.Current;

    /// <summary>Starts the generation and waits for its first chunk; throws <see cref="CallException"/> (503, 500).</summary>
    public static async Task<GenerationStream> StartAsync(AdmittedCall<PreparedGeneration> call, CancellationToken ct)
    {
        var p = call.Prepared;
        var chunks = p.Model.Generate(p.Prompt, p.Options, ct).GetAsyncEnumerator(ct);
        try
        {
            return new GenerationStream(chunks, await chunks.MoveNextAsync());
        }
        catch (Exception e) when (e is SchedulerFullException or InferenceException)
        {
            await chunks.DisposeAsync();
            throw Translate(e);
        }
    }

    /// <summary>The next chunk (the engine's own exceptions pass through: the caller decides, by whether it has sent
    /// anything, between a status and an error event).</summary>
    public ValueTask<bool> MoveNextAsync() => _chunks.MoveNextAsync();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _chunks.DisposeAsync();

    private static CallException Translate(Exception e) => e is SchedulerFullException busy
        ? new CallException(StatusCodes.Status503ServiceUnavailable, CallErrorKind.Overloaded, busy.Message, code: "model_busy")
        {
            RetryAfterSeconds = Math.Max(1, (long)Math.Ceiling(busy.RetryAfter.TotalSeconds)),
        }
        : new CallException(StatusCodes.Status500InternalServerError, CallErrorKind.Server, "The model failed while generating.", code: "inference_failed");
}
