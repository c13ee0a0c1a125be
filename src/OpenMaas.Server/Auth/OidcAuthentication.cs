using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace OpenMaas.Server.Auth;

/// <summary>One ASP.NET Core OpenID Connect handler per configured provider (scheme <c>oidc-{name}</c>, callback
/// <c>/signin-oidc/{name}</c>): authorization code + PKCE, the ID token's signature, issuer, audience, lifetime and
/// nonce checked by the handler; <see cref="OidcSignIn"/> then maps it to an account and signs in with the console's
/// own session cookie.</summary>
internal static class OidcAuthentication
{
    public const string SchemePrefix = "oidc-";

    public static string SchemeOf(string provider) => SchemePrefix + provider;

    public static AuthenticationBuilder AddOpenMaasOidc(this AuthenticationBuilder auth, IConfiguration configuration)
    {
        auth.Services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section).ValidateOnStart();
        auth.Services.AddSingleton<IValidateOptions<OidcOptions>, OidcOptionsValidation>();
        auth.Services.AddSingleton<OidcSignIn>();
        var providers = configuration.GetSection(OidcOptions.Section).Get<OidcOptions>()?.Providers ?? [];
        foreach (var (name, provider) in providers)
        {
            AddProvider(auth, name, provider);
        }

        return auth;
    }

    // In a method of its own: the OpenID Connect handler's assemblies load only where a provider is configured.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddProvider(AuthenticationBuilder auth, string name, OidcProviderOptions provider) =>
        auth.AddOpenIdConnect(SchemeOf(name), provider.DisplayName ?? name, o => Configure(o, name, provider));

    private static void Configure(OpenIdConnectOptions o, string name, OidcProviderOptions provider)
    {
        o.Authority = provider.Authority;
        // Plain http only for a provider on this machine (validation refuses it elsewhere).
        o.RequireHttpsMetadata = !(Uri.TryCreate(provider.Authority, UriKind.Absolute, out var authority) && authority.IsLoopback);
        o.ClientId = provider.ClientId;
        o.ClientSecret = string.IsNullOrEmpty(provider.ClientSecret) ? null : provider.ClientSecret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        // The code comes back on a top-level GET: the correlation and nonce cookies can stay SameSite=Lax.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.CallbackPath = $"/signin-oidc/{name}";
        o.SignedOutCallbackPath = $"/signout-callback-oidc/{name}";
        o.RemoteSignOutPath = $"/signout-oidc/{name}";
        o.Scope.Clear();
        foreach (var scope in provider.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Prepend(OpenIdConnectScope.OpenId).Distinct(StringComparer.Ordinal))
        {
            o.Scope.Add(scope);
        }

        o.MapInboundClaims = false; // claims as the provider names them (sub, preferred_username, roles…)
        o.GetClaimsFromUserInfoEndpoint = false;
        o.SaveTokens = false; // the provider's tokens are not kept: the console session is OpenMaaS's own
        o.SignInScheme = AuthNames.SessionScheme;
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.Events.OnTokenValidated = ctx => ctx.HttpContext.RequestServices.GetRequiredService<OidcSignIn>().TokenValidatedAsync(ctx, name, provider);
        o.Events.OnRemoteFailure = ctx => ctx.HttpContext.RequestServices.GetRequiredService<OidcSignIn>().RemoteFailureAsync(ctx, name);
        o.Events.OnAccessDenied = ctx => ctx.HttpContext.RequestServices.GetRequiredService<OidcSignIn>().AccessDeniedAsync(ctx, name);
    }
}
