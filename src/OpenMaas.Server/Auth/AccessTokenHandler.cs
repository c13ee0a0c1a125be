using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Auth;

/// <summary>
/// <c>Authorization: Bearer ms-…</c>. Every request checks the token (by its SHA-256) in a cache that every change
/// to tokens or users, by this server or the CLI, invalidates before the change returns; so a revoked token, an
/// expired one or a disabled account stops working at once. Challenges on /v1
/// answer in the endpoint's surface shape (the OpenAI envelope), elsewhere with ProblemDetails; the message says why, about this token only.
/// </summary>
internal sealed class AccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ITokenService tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";
    private const string HubSessionCookie = "m_session_id";
    private const string ApiKeyHeader = "x-api-key";
    private const string Missing = "Missing access token: send the header 'Authorization: Bearer ms-…' (or 'x-api-key: ms-…') with a token from your account's access tokens.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        string secret;
        if (header.Count == 0)
        {
            // Anthropic's clients send the key as x-api-key; older ModelScope SDKs send it as the hub session cookie.
            if ((Request.Headers[ApiKeyHeader] is [{ Length: > 0 } apiKey] ? apiKey.Trim() : HubSessionToken(Request)) is not { } found)
            {
                return AuthenticateResult.NoResult();
            }

            secret = found;
        }
        else
        {
            var value = header.ToString();
            if (!value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                return AuthenticateResult.Fail("Malformed Authorization header: expected 'Bearer ms-…'.");
            }

            secret = value[BearerPrefix.Length..].Trim();
        }

        var check = await tokens.CheckAsync(secret, Context.RequestAborted);
        if (!check.IsValid)
        {
            AuthLog.TokenRejected(Logger, check.Status);
            return AuthenticateResult.Fail(Reason(check.Status));
        }

        // The token's scope (and its organisation, if one owns it) travels with the caller: the scope step and the admission read it.
        var principal = CallerExtensions.Principal(check.UserId, check.UserName!, check.Role!, Scheme.Name, check.TokenId, check.Scope, check.OrganizationId);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var message = result.Failure?.Message ?? Missing;
        Response.Headers.WWWAuthenticate = "Bearer";
        if (ApiErrorWriter() is { } writer)
        {
            var code = result.Failure is null ? "missing_api_key" : "invalid_api_key";
            await writer.WriteAsync(Context, new CallException(StatusCodes.Status401Unauthorized, CallErrorKind.Authentication, message, code: code));
            return;
        }

        await TypedResults.Problem(message, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        const string Message = "This access token is not allowed to do this.";
        if (ApiErrorWriter() is { } writer)
        {
            await writer.WriteAsync(Context, new CallException(StatusCodes.Status403Forbidden, CallErrorKind.Permission, Message, code: "permission_denied"));
            return;
        }

        await TypedResults.Problem(Message, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(Context);
    }

    /// <summary>On the hub routes (<c>/api/v1/models/…</c>), the token that older modelscope SDKs send only as their
    /// <c>m_session_id</c> cookie (with no Authorization header): it is an access token like the bearer one.</summary>
    internal static string? HubSessionToken(HttpRequest request) =>
        request.Path.StartsWithSegments("/api/v1/models", StringComparison.OrdinalIgnoreCase)
        && request.Cookies.TryGetValue(HubSessionCookie, out var token) && token.StartsWith("ms-", StringComparison.Ordinal)
            ? token
            : null;

    /// <summary>The API surface's error writer (from the endpoint; OpenAI for the rest of /v1); null elsewhere (ProblemDetails).</summary>
    private ISurfaceErrorWriter? ApiErrorWriter() =>
        Context.GetEndpoint()?.Metadata.GetMetadata<ISurfaceErrorWriter>();

    private static string Reason(TokenStatus status) => status switch
    {
        TokenStatus.Malformed => "Malformed access token: expected 'ms-' followed by 32 characters.",
        TokenStatus.Unknown => "Invalid access token: no such token.",
        TokenStatus.Expired => "This access token has expired. Create a new one.",
        TokenStatus.Revoked => "This access token has been revoked.",
        TokenStatus.UserDisabled => "The account of this access token is disabled.",
        TokenStatus.Rotated => "This access token was rotated and its grace period is over: use its new text.",
        _ => "Invalid access token.",
    };
}
