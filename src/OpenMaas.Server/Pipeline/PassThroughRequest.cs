namespace OpenMaas.Server.Pipeline;

/// <summary>
/// A request as the client sent it, for an engine that speaks the same protocol (OpenAI's): the OpenAI surface puts
/// it on the neutral request, and the preparer chooses the pass-through path with it when the model is served by
/// engines. Every field reaches the engine, not only those OpenMaaS models.
/// </summary>
/// <param name="Path">The OpenAI path: <c>chat/completions</c>, <c>completions</c> or <c>embeddings</c>.</param>
/// <param name="Body">The JSON body as received.</param>
/// <param name="Stream">The client asked for a stream.</param>
/// <param name="ClientWantsUsage">The client asked for <c>stream_options.include_usage</c>; otherwise the usage chunk
/// requested from the engine (to count tokens) is not passed on.</param>
public sealed record PassThroughRequest(string Path, ReadOnlyMemory<byte> Body, bool Stream, bool ClientWantsUsage);
