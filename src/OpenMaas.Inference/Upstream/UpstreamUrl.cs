namespace OpenMaas.Inference.Upstream;

/// <summary>Checks and normalizes an engine's OpenAI base URL (<c>http[s]://host:port/v1</c>).</summary>
public static class UpstreamUrl
{
    /// <summary>Null when <paramref name="url"/> is usable, else what is wrong with it.</summary>
    public static string? Check(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return $"'{url}' is not an absolute http:// or https:// URL.";
        }

        if (uri.UserInfo.Length > 0)
        {
            // Credentials in a URL end up in logs and listings; the key has its own, protected place.
            return "put credentials in --api-key (ApiKey), not in the URL.";
        }

        return uri.Query.Length > 0 || uri.Fragment.Length > 0 ? "the URL must not have a query or fragment." : null;
    }

    /// <summary>The base URL without a trailing slash; call <see cref="Check"/> first.</summary>
    public static Uri Normalize(string url) => new(url.TrimEnd('/'), UriKind.Absolute);
}
