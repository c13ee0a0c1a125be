namespace OpenMaas.Server.Upstream;

/// <summary>The request body as the client sent it (an HttpContext feature set by the request reader), so a call to
/// an upstream engine passes on every field, not only those OpenMaaS models.</summary>
internal sealed record RawRequestBody(ReadOnlyMemory<byte> Bytes);
