using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Accounts;

namespace OpenMaas.Server.Auth;

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

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> LoginAsync(LoginRequest request, HttpContext http, IAccountService accounts)
    {
        if (request.Name is not { Length: > 0 } name || request.Password is not { Length: > 0 } password)
        {
            return TypedResults.Problem("Send a name and a password.", statusCode: StatusCodes.Status400BadRequest);
        }

        var user = await accounts.VerifyPasswordAsync(name, password, http.RequestAborted);
        if (user is null)
        {
            return TypedResults.Problem("Wrong name or password, or the account is disabled.", statusCode: StatusCodes.Status401Unauthorized);
        }

        await http.SignInAsync(AuthNames.SessionScheme, CallerExtensions.Principal(user.Id, user.Name, user.Role, AuthNames.SessionScheme));
        return TypedResults.Ok(new SessionResponse(user.Name, user.Role));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(AuthNames.SessionScheme);
        return TypedResults.NoContent();
    }
}
