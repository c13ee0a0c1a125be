using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Server.Auth;

/// <summary>Single sign-on to the console through OpenID Connect providers (section <c>Auth:Oidc</c>).</summary>
internal sealed class OidcOptions
{
    public const string Section = "Auth:Oidc";

    /// <summary>The providers by name (letters, digits and '-'); each gets a button on the sign-in page.</summary>
    public Dictionary<string, OidcProviderOptions> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Create an account at a person's first sign-in; false: only accounts linked beforehand
    /// (<c>openmaas user link-sso</c>) may sign in.</summary>
    public bool CreateAccounts { get; set; } = true;
}

/// <summary>One OpenID Connect provider: authorization code flow with PKCE.</summary>
internal sealed class OidcProviderOptions
{
    /// <summary>The issuer URL (its <c>/.well-known/openid-configuration</c> is read); HTTPS unless on loopback.</summary>
    [Required]
    public string Authority { get; set; } = string.Empty;

    [Required]
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The client secret of a confidential client; empty for a public client (PKCE only).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for, separated by spaces; <c>openid</c> is always asked.</summary>
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>The button's text ("Sign in with …"); the provider's name when empty.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The ID token claim that makes an account an admin (e.g. <c>roles</c> or <c>groups</c>); empty: the
    /// provider does not decide roles.</summary>
    public string? AdminClaim { get; set; }

    /// <summary>The value of <see cref="AdminClaim"/> that means admin (one of the claim's values); empty: any value.</summary>
    public string? AdminValue { get; set; }

    /// <summary>The claim naming the person's organisations (one value each), synchronised at every sign-in.</summary>
    public string? OrganizationClaim { get; set; }

    /// <summary>The claim a new account's name is made from.</summary>
    public string NameClaim { get; set; } = "preferred_username";
}
