namespace OpenMaas.Server.Auth;

/// <summary>Authentication (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Require an access token on /v1; off only for benchmarks and private single-user setups.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a console session lasts without activity.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 24 * 30)]
    public int SessionHours { get; set; } = 12;
}

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

    public const string TokenIdClaim = "openmaas:token_id";
}
