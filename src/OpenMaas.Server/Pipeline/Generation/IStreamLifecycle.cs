namespace OpenMaas.Server.Pipeline.Generation;

/// <summary>
/// What an encoder may add to a stream's life besides its events (OpenAI's Responses API needs both): work to finish
/// before the stream's end is sent (the answer is stored before the client can see it complete, so it can be read back at
/// once), and its own failure events, numbered in the stream's sequence, in place of the surface writer's.
/// </summary>
internal interface IStreamLifecycle
{
    /// <summary>Runs after the last chunk and before <see cref="IGenerationEncoder.WriteEnd"/> is sent.</summary>
    ValueTask BeforeEndAsync(GenerationEnd end, CancellationToken ct);

    /// <summary>Buffers the events that end a stream which failed after its first byte.</summary>
    void WriteFailure(SseWriter sse, CallException error, string requestId);
}
