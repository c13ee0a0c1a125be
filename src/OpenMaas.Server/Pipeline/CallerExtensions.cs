using System.Globalization;
using System.Security.Claims;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Server.Pipeline;

/// <summary>Who is calling, from the claims set by the token handler or the session cookie.</summary>
internal static class CallerExtensions
{
    /// <summary>The claim naming the access token a call came with.</summary>
    public const string TokenIdClaim = "openmaas:token_id";

    /// <summary>The claim naming the organisation a call is made in (its numeric id); absent: no organisation pools.</summary>
    public const string OrganizationClaim = "openmaas:org";

    public static long? UserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public static long? TokenId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(TokenIdClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public static long? OrganizationId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(OrganizationClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>What the calling token may call and spend; unrestricted for a console session.</summary>
    public static TokenScope TokenScope(this ClaimsPrincipal user) =>
        (user.Identity as TokenIdentity)?.Scope ?? Core.Tokens.TokenScope.Unrestricted;

    /// <inheritdoc cref="TokenScope(ClaimsPrincipal)"/>
    public static TokenScope TokenScope(this HttpContext http) => http.User.TokenScope();

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(UserRoles.Admin);

    public static ClaimsPrincipal Principal(long userId, string name, string role, string scheme, long? tokenId = null, TokenScope? scope = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, userId.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, name),
            new(ClaimTypes.Role, role),
        };
        if (tokenId is { } t)
        {
            claims.Add(new Claim(TokenIdClaim, t.ToString(CultureInfo.InvariantCulture)));
        }

        return new ClaimsPrincipal(new TokenIdentity(claims, scheme, scope ?? Core.Tokens.TokenScope.Unrestricted));
    }

    /// <summary>The identity of a caller, carrying its token's scope as an object (no parsing on every call).</summary>
    private sealed class TokenIdentity(IEnumerable<Claim> claims, string scheme, TokenScope scope) : ClaimsIdentity(claims, scheme)
    {
        public TokenScope Scope { get; } = scope;
    }
}
