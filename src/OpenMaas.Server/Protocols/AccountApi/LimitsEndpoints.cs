using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Quota;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.AccountApi;

/// <summary>Admin API for limits (what <c>openmaas quota set|list</c> does): <c>GET /api/v1/limits</c> lists them,
/// <c>PUT /api/v1/limits</c> sets one scope's daily units, RPM and TPM.</summary>
internal static class LimitsEndpoints
{
    /// <summary>The scope (user name, model id, token id or prefix, organisation id or name; all absent: the default)
    /// and the values: absent keeps a value, -1 removes it.</summary>
    public sealed record SetLimitRequest(string? User, string? Model, string? Token, string? Organization, int? Daily, int? Rpm, int? Tpm);

    public sealed record LimitView(string Scope, long? UserId, string? Model, long? TokenId, long? OrganizationId, int? Daily, int? Rpm, int? Tpm, DateTimeOffset UpdatedAt);

    public static IEndpointRouteBuilder MapLimits(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/limits").RequireAuthorization(AuthNames.ConsolePolicy);
        group.MapGet("/", ListAsync);
        group.MapPut("/", SetAsync);
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<LimitView>>, ProblemHttpResult>> ListAsync(ClaimsPrincipal caller, IQuotaLimits limits, CancellationToken ct)
    {
        if (Refused(caller) is { } refused)
        {
            return refused;
        }

        return TypedResults.Ok<IReadOnlyList<LimitView>>([.. (await limits.ListAsync(ct)).Select(View)]);
    }

    private static async Task<Results<Ok<LimitView>, NoContent, ProblemHttpResult>> SetAsync(
        SetLimitRequest request, ClaimsPrincipal caller, LimitScopeResolver scopes, IQuotaLimits limits, CancellationToken ct)
    {
        if (Refused(caller) is { } refused)
        {
            return refused;
        }

        var values = new LimitValues(request.Daily, request.Rpm, request.Tpm);
        if (!values.Any || request.Daily < LimitValues.Clear || request.Rpm < LimitValues.Clear || request.Tpm < LimitValues.Clear)
        {
            return TypedResults.Problem("Give daily, rpm or tpm: 0 or more, or -1 to remove the limit.", statusCode: StatusCodes.Status400BadRequest);
        }

        var (scope, error, notFound) = await scopes.ResolveAsync(request.User, request.Model, request.Token, request.Organization, ct);
        if (error is not null)
        {
            return TypedResults.Problem(error, statusCode: notFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest);
        }

        await limits.SetAsync(scope, values, ct);
        var row = (await limits.ListAsync(ct)).FirstOrDefault(l => l.Scope == scope);
        return row is null ? TypedResults.NoContent() : TypedResults.Ok(View(row));
    }

    private static ProblemHttpResult? Refused(ClaimsPrincipal caller) =>
        caller.UserId() is null ? TypedResults.Problem("Not signed in.", statusCode: StatusCodes.Status401Unauthorized)
        : !caller.IsAdmin() ? TypedResults.Problem("Only admins may see or set limits.", statusCode: StatusCodes.Status403Forbidden)
        : null;

    private static LimitView View(QuotaLimit l) => new(
        l.Scope.Kind?.ToString().ToLowerInvariant() ?? "invalid", l.UserId, l.ModelId, l.TokenId, l.OrganizationId, l.DailyCalls, l.RequestsPerMinute, l.TokensPerMinute, l.UpdatedAt);
}
