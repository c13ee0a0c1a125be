using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Quota;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.AccountApi;

/// <summary><c>GET /api/v1/balance</c>: the caller's daily units today (limit, used, remaining, reset time) in every pool
/// that applies to it: the user, the calling token, the organisation and the member's cap inside it.</summary>
internal static class BalanceEndpoints
{
    public static IEndpointRouteBuilder MapBalance(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/balance").RequireAuthorization(AuthNames.ConsolePolicy).MapGet("/", GetAsync);
        return routes;
    }

    private static async Task<Results<Ok<QuotaBalance>, ProblemHttpResult>> GetAsync(ClaimsPrincipal caller, QuotaBalances balances, CancellationToken ct)
    {
        if (caller.UserId() is not { } user)
        {
            return TypedResults.Problem("Not signed in.", statusCode: StatusCodes.Status401Unauthorized);
        }

        return TypedResults.Ok(await balances.ForAsync(user, caller.TokenId(), caller.TokenScope().DailyCalls, caller.OrganizationId(), ct));
    }
}
