using OpenMaas.Server.Pipeline;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Accounts;

namespace OpenMaas.Server.Auth;

/// <summary>Whose data a console API call is about: the caller's own, or, for admins only, a named user's.</summary>
internal static class ConsoleAccess
{
    public sealed record Target(UserAccount? User, ProblemHttpResult? Error);

    public static async Task<Target> ResolveAsync(ClaimsPrincipal caller, string? name, IAccountService accounts, CancellationToken ct)
    {
        if (caller.UserId() is not { } self)
        {
            return new Target(null, TypedResults.Problem("Not signed in.", statusCode: StatusCodes.Status401Unauthorized));
        }

        if (name is null || name == caller.Identity?.Name)
        {
            var me = await accounts.FindAsync(self, ct);
            return me is null ? new Target(null, TypedResults.Problem("Account not found.", statusCode: StatusCodes.Status401Unauthorized)) : new Target(me, null);
        }

        if (!caller.IsAdmin())
        {
            return new Target(null, TypedResults.Problem("Only admins may see other users' data.", statusCode: StatusCodes.Status403Forbidden));
        }

        var user = await accounts.FindAsync(name, ct);
        return user is null ? new Target(null, TypedResults.Problem($"No user '{name}'.", statusCode: StatusCodes.Status404NotFound)) : new Target(user, null);
    }
}
