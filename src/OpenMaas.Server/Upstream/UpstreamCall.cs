namespace OpenMaas.Server.Upstream;

/// <summary>What the OpenAI wire adapter hands the upstream runtime: the validated request, as the client sent it.</summary>
/// <param name="Path">The OpenAI path: <c>chat/completions</c>, <c>completions</c> or <c>embeddings</c>.</param>
/// <param name="ClientWantsUsage">The client asked for <c>stream_options.include_usage</c>; otherwise the usage chunk
/// requested from the engine (to count tokens) is not passed on.</param>
internal sealed record UpstreamCall(string Path, ReadOnlyMemory<byte> Body, bool Stream, bool ClientWantsUsage);
