using OpenMaas.Server.Pipeline;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Accounts;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.Protocols.AccountApi;

/// <summary><c>POST /api/v1/auth/login</c> and <c>/logout</c>: the console's session cookie.</summary>
internal static class AuthEndpoints
{
    public sealed record LoginRequest(string? Name, string? Password);

    public sealed record SessionResponse(string Name, string Role);

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth");
        group.MapPost("/login", LoginAsync);
        group.MapPost("/logout", (Delegate)LogoutAsync);
        return routes;
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext http, IAccountService accounts, LoginThrottle throttle, IOptions<AuthOptions> auth)
    {
        if (!auth.Value.LocalPasswords)
        {
            return TypedResults.Problem("Sign-in with a password is switched off here (Auth:LocalPasswords=false): sign in to the console through single sign-on, or use an access token.",
                statusCode: StatusCodes.Status403Forbidden, title: "Password sign-in is off");
        }

        if (request.Name is not { Length: > 0 } name || request.Password is not { Length: > 0 } password)
        {
            return TypedResults.Problem("Send a name and a password.", statusCode: StatusCodes.Status400BadRequest);
        }

        var address = http.Connection.RemoteIpAddress;
        if (throttle.RetryAfter(name, address) is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem("Too many failed sign-ins: wait before trying again.", statusCode: StatusCodes.Status429TooManyRequests);
        }

        var user = await accounts.SignInWithPasswordAsync(name, password, http.RequestAborted);
        if (user is null)
        {
            throttle.Failed(name, address);
            return TypedResults.Problem("Wrong name or password, or the account is disabled.", statusCode: StatusCodes.Status401Unauthorized);
        }

        throttle.Succeeded(name);
        await http.SignInAsync(AuthNames.SessionScheme, CallerExtensions.Principal(user.Id, user.Name, user.Role, AuthNames.SessionScheme));
        return TypedResults.Ok(new SessionResponse(user.Name, user.Role));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(AuthNames.SessionScheme);
        return TypedResults.NoContent();
    }
}
