using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Audit;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.AccountApi;

/// <summary><c>GET /api/v1/audit?since=&amp;until=&amp;actor=&amp;action=&amp;page=&amp;pageSize=</c>: the audit log, newest
/// first, for admins only.</summary>
internal static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/audit").RequireAuthorization(AuthNames.ConsolePolicy).MapGet("/", ListAsync);
        return routes;
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> ListAsync(
        DateTimeOffset? since, DateTimeOffset? until, string? actor, string? action, int? page, int? pageSize,
        ClaimsPrincipal caller, IAuditQueries audit, CancellationToken ct)
    {
        if (!caller.IsAdmin())
        {
            return TypedResults.Problem("Only admins may read the audit log.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        if (page is < 1 || pageSize is < 1 or > AuditFilter.MaxPageSize)
        {
            return TypedResults.Problem($"page is 1 or more and pageSize 1 to {AuditFilter.MaxPageSize}.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid paging");
        }

        if (since > until)
        {
            return TypedResults.Problem("since must not be after until.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid since");
        }

        return TypedResults.Ok(await audit.ListAsync(new AuditFilter
        {
            Since = since, Until = until, Actor = actor, Action = action, Page = page ?? 1, PageSize = pageSize ?? 100,
        }, ct));
    }
}
