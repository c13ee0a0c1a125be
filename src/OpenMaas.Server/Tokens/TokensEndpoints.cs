using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.Tokens;

/// <summary><c>/api/v1/tokens</c>: list, create (shown once) and revoke access tokens. Users see only their own;
/// admins may pass <c>?user=NAME</c> and revoke anyone's.</summary>
internal static class TokensEndpoints
{
    public sealed record CreateTokenRequest(string? Description, int? ExpiresDays);

    /// <summary>The only response that ever carries a token's text.</summary>
    public sealed record CreatedTokenResponse(string Token, TokenInfo Info);

    public static IEndpointRouteBuilder MapTokens(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/tokens").RequireAuthorization(AuthNames.ConsolePolicy);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapDelete("/{id:long}", RevokeAsync);
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<TokenInfo>>, ProblemHttpResult>> ListAsync(
        string? user, ClaimsPrincipal caller, IAccountService accounts, ITokenService tokens, CancellationToken ct)
    {
        var target = await ConsoleAccess.ResolveAsync(caller, user, accounts, ct);
        if (target.User is null)
        {
            return target.Error!;
        }

        return TypedResults.Ok(await tokens.ListAsync(target.User.Id, ct));
    }

    private static async Task<Results<Created<CreatedTokenResponse>, ProblemHttpResult>> CreateAsync(
        CreateTokenRequest request, ClaimsPrincipal caller, ITokenService tokens, CancellationToken ct)
    {
        if (request.ExpiresDays is <= 0 or > 3650)
        {
            return TypedResults.Problem("expiresDays must be between 1 and 3650.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (request.Description is { Length: > 200 })
        {
            return TypedResults.Problem("The description is limited to 200 characters.", statusCode: StatusCodes.Status400BadRequest);
        }

        var created = await tokens.CreateAsync(caller.UserId()!.Value, request.Description, request.ExpiresDays, ct);
        return TypedResults.Created($"/api/v1/tokens/{created.Info.Id}", new CreatedTokenResponse(created.Text, created.Info));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        long id, ClaimsPrincipal caller, ITokenService tokens, CancellationToken ct)
    {
        var token = await tokens.FindAsync(id, ct);
        // Someone else's token is reported exactly like a missing one.
        if (token is null || (token.UserId != caller.UserId() && !caller.IsAdmin()))
        {
            return TypedResults.Problem($"No token {id}.", statusCode: StatusCodes.Status404NotFound);
        }

        await tokens.RevokeAsync(id, ct);
        return TypedResults.NoContent();
    }
}
