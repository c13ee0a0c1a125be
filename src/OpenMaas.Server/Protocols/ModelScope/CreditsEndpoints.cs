using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core.Quota;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>
/// <c>GET /api/v1/inference/credits</c>: the balance of <c>GET /api/v1/balance</c> in ModelScope's envelope and naming.
/// ModelScope meters its free API-Inference in credits from a daily allowance (1 per call, 2 for flagship models); it
/// publishes no schema for the balance, so this path and shape are our reading of it (docs: README "Limits").
/// </summary>
internal static class CreditsEndpoints
{
    public static IEndpointRouteBuilder MapCredits(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/inference/credits").RequireAuthorization(AuthNames.ConsolePolicy).MapGet("/", GetAsync);
        return routes;
    }

    private static async Task<Results<JsonHttpResult<HubResponse<CreditsData>>, ProblemHttpResult>> GetAsync(
        HttpContext http, ClaimsPrincipal caller, QuotaBalances balances, CancellationToken ct)
    {
        if (caller.UserId() is not { } user)
        {
            return HubEnvelope.Problem(http, StatusCodes.Status401Unauthorized, "Sign in or send an access token.");
        }

        var b = await balances.ForAsync(user, caller.TokenId(), caller.TokenScope().DailyCalls, caller.OrganizationId(), ct);
        var data = new CreditsData(b.Limit, b.Used, b.Remaining, b.ResetsAt, b.TimeZone,
            [.. b.Pools.Select(p => new CreditsPool(p.Pool, p.Id, p.Limit, p.Used, p.Remaining))]);
        return HubEnvelope.Ok(http, data, CreditsJson.Default.HubResponseCreditsData);
    }
}

internal sealed record CreditsData(int TotalCredits, int UsedCredits, int RemainingCredits, DateTimeOffset ResetTime, string TimeZone, IReadOnlyList<CreditsPool> Pools);

internal sealed record CreditsPool(string Pool, long? Id, int? TotalCredits, int UsedCredits, int? RemainingCredits);

[JsonSerializable(typeof(HubResponse<CreditsData>))]
internal sealed partial class CreditsJson : JsonSerializerContext;
