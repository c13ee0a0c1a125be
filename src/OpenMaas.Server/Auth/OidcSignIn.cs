using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Audit;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Auth;

/// <summary>Turns a validated ID token into an OpenMaaS account and its console session: found by issuer + subject
/// (created on first sign-in when <see cref="OidcOptions.CreateAccounts"/>), role from the admin claim, organisations
/// from the organisation claim. Any refusal (a token the handler rejects, an unknown or disabled account) ends on the
/// sign-in page with a message and no session.</summary>
internal sealed class OidcSignIn(IExternalAccounts accounts, IAuditLog audit, IOptionsMonitor<OidcOptions> options, ILogger<OidcSignIn> logger)
{
    /// <summary>The sign-in page's <c>error</c> values.</summary>
    public const string Failed = "sso", NotLinked = "sso-not-linked", Disabled = "sso-disabled";

    public async Task TokenValidatedAsync(TokenValidatedContext context, string provider, OidcProviderOptions settings)
    {
        var principal = context.Principal!;
        if (principal.FindFirst("sub") is not { Value.Length: > 0 } sub)
        {
            AuthLog.SsoRefused(logger, provider, "no sub claim");
            Redirect(context, Failed);
            return;
        }

        var identity = new ExternalIdentity(
            provider,
            sub.Issuer,
            sub.Value,
            principal.FindFirst(settings.NameClaim)?.Value ?? principal.FindFirst("email")?.Value ?? principal.FindFirst("name")?.Value,
            string.IsNullOrEmpty(settings.AdminClaim) ? null : IsAdmin(principal, settings.AdminClaim, settings.AdminValue),
            string.IsNullOrEmpty(settings.OrganizationClaim) ? [] : [.. principal.FindAll(settings.OrganizationClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal)]);
        var result = await accounts.SignInAsync(identity, options.CurrentValue.CreateAccounts, context.HttpContext.RequestAborted);
        if (result.Status != ExternalSignInStatus.Ok)
        {
            AuthLog.SsoRefused(logger, provider, result.Status.ToString());
            Redirect(context, result.Status == ExternalSignInStatus.Disabled ? Disabled : NotLinked);
            return;
        }

        var user = result.User!;
        if (result.Created)
        {
            AuthLog.SsoAccountCreated(logger, provider, user.Name);
        }

        // The same session as a password sign-in: the handler signs this principal in with the session cookie.
        context.Principal = CallerExtensions.Principal(user.Id, user.Name, user.Role, AuthNames.SessionScheme);
    }

    public async Task RemoteFailureAsync(RemoteFailureContext context, string provider)
    {
        // The reason by its kind only: the handler's messages can quote the token.
        var reason = context.Failure?.GetType().Name ?? "unknown";
        AuthLog.SsoFailed(logger, provider, reason);
        await audit.RecordAsync(new AuditEntry(AuditActions.SignInFailed, AuditActions.Targets.User, null)
        {
            After = AuditJson.Of(new { Method = "oidc", Provider = provider, Reason = reason }),
        }, CancellationToken.None);
        context.Response.Redirect($"/signin?error={Failed}");
        context.HandleResponse();
    }

    public async Task AccessDeniedAsync(AccessDeniedContext context, string provider)
    {
        AuthLog.SsoFailed(logger, provider, "access_denied");
        await audit.RecordAsync(new AuditEntry(AuditActions.SignInFailed, AuditActions.Targets.User, null)
        {
            After = AuditJson.Of(new { Method = "oidc", Provider = provider, Reason = "access_denied" }),
        }, CancellationToken.None);
        context.Response.Redirect($"/signin?error={Failed}");
        context.HandleResponse();
    }

    private static bool IsAdmin(ClaimsPrincipal principal, string claim, string? value) =>
        principal.FindAll(claim).Any(c => string.IsNullOrEmpty(value) || string.Equals(c.Value, value, StringComparison.Ordinal));

    private static void Redirect(TokenValidatedContext context, string error)
    {
        context.Response.Redirect($"/signin?error={error}");
        context.HandleResponse();
    }
}
