namespace OpenMaas.Server.Auth;

/// <summary>Scheme and policy names.</summary>
internal static class AuthNames
{
    /// <summary><c>Authorization: Bearer ms-…</c>.</summary>
    public const string TokenScheme = "AccessToken";

    /// <summary>The console's session cookie.</summary>
    public const string SessionScheme = "Session";

    /// <summary>Bearer when an Authorization header is present, the session cookie otherwise.</summary>
    public const string TokenOrSessionScheme = "TokenOrSession";

    /// <summary>/v1: access tokens only.</summary>
    public const string InferencePolicy = "Inference";

    /// <summary>/api/v1: access token or session.</summary>
    public const string ConsolePolicy = "Console";
}
