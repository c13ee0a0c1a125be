namespace OpenMaas.Inference.Upstream;

/// <summary>An upstream engine's API key in memory. Prints as <c>[redacted]</c>, so it cannot leak through a log
/// message, an exception text or a debugger display; only the HTTP client asks for the value.</summary>
public sealed class UpstreamApiKey(string value)
{
    public string Reveal() => value;

    public override string ToString() => "[redacted]";
}
