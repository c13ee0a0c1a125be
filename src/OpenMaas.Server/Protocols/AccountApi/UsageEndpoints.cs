using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Accounts;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.Protocols.AccountApi;

/// <summary><c>GET /api/v1/usage[?user=NAME]</c>: the caller's usage; admins may name another user.</summary>
internal static class UsageEndpoints
{
    public static IEndpointRouteBuilder MapUsage(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/usage").RequireAuthorization(AuthNames.ConsolePolicy).MapGet("/", GetAsync);
        return routes;
    }

    private static async Task<Results<Ok<UsageReport>, ProblemHttpResult>> GetAsync(
        string? user, ClaimsPrincipal caller, IAccountService accounts, UsageReporter reporter, CancellationToken ct)
    {
        var target = await ConsoleAccess.ResolveAsync(caller, user, accounts, ct);
        if (target.User is null)
        {
            return target.Error!;
        }

        return TypedResults.Ok(await reporter.BuildAsync(target.User, ct));
    }
}
