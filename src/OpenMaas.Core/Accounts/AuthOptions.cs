namespace OpenMaas.Core.Accounts;

/// <summary>Authentication (section <c>Auth</c>): a deployment switch every layer reads (metering needs a caller).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Require an access token on /v1; off only for benchmarks and private single-user setups.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a console session lasts without activity.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 24 * 30)]
    public int SessionHours { get; set; } = 12;

    /// <summary>Whether accounts may sign in to the console (and <c>/api/v1/auth/login</c>) with a password; off when
    /// everyone signs in through single sign-on (<c>Auth:Oidc</c>).</summary>
    public bool LocalPasswords { get; set; } = true;
}
