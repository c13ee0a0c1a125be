using OpenMaas.Server.Pipeline;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.Protocols.AccountApi;

/// <summary><c>/api/v1/tokens</c>: list (with each token's scope and today's use), create (shown once), scope and revoke
/// access tokens. Users see only their own; admins may pass <c>?user=NAME</c> and scope or revoke anyone's.</summary>
internal static class TokensEndpoints
{
    /// <summary><paramref name="Models"/>: Model IDs or <c>owner/*</c> patterns (none: every model);
    /// <paramref name="DailyCalls"/>: the token's own daily cap (none: only the user's limits).</summary>
    public sealed record CreateTokenRequest(string? Description, int? ExpiresDays, IReadOnlyList<string?>? Models = null, int? DailyCalls = null);

    /// <summary>The whole scope of a token, replacing the one it had.</summary>
    public sealed record TokenScopeRequest(IReadOnlyList<string?>? Models, int? DailyCalls);

    /// <summary>How long the old text keeps working after a rotation (0 or absent: not at all).</summary>
    public sealed record RotateTokenRequest(int? GraceMinutes);

    /// <summary>The only response that ever carries a token's text.</summary>
    public sealed record CreatedTokenResponse(string Token, TokenInfo Info);

    public static IEndpointRouteBuilder MapTokens(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/tokens").RequireAuthorization(AuthNames.ConsolePolicy);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id:long}/scope", SetScopeAsync);
        group.MapPost("/{id:long}/rotate", RotateAsync);
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
        CreateTokenRequest request, HttpContext http, ClaimsPrincipal caller, ITokenService tokens, CancellationToken ct)
    {
        if (ScopedCaller(http) is { } refused)
        {
            return refused;
        }

        if ((ToScope(request.Models, request.DailyCalls, out var scope) ?? TokenRules.CheckNew(request.Description, request.ExpiresDays, scope)) is { } invalid)
        {
            return Invalid(invalid);
        }

        var created = await tokens.CreateAsync(caller.UserId()!.Value, request.Description, request.ExpiresDays, scope, ct);
        return TypedResults.Created($"/api/v1/tokens/{created.Info.Id}", new CreatedTokenResponse(created.Text, created.Info));
    }

    private static async Task<Results<Ok<TokenInfo>, ProblemHttpResult>> SetScopeAsync(
        long id, TokenScopeRequest request, HttpContext http, ClaimsPrincipal caller, ITokenService tokens, CancellationToken ct)
    {
        if (ScopedCaller(http) is { } refused)
        {
            return refused;
        }

        var token = await tokens.FindAsync(id, ct);
        if (token is null || (token.UserId != caller.UserId() && !caller.IsAdmin()))
        {
            return TypedResults.Problem($"No token {id}.", statusCode: StatusCodes.Status404NotFound);
        }

        // An organisation's token keeps the scope its admins gave it: the member it was made for cannot widen it.
        if (token.OrganizationId is not null && !caller.IsAdmin())
        {
            return TypedResults.Problem("This token belongs to an organisation: its scope is set when an owner or admin creates it.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        if (ToScope(request.Models, request.DailyCalls, out var scope) is { } invalid)
        {
            return Invalid(invalid);
        }

        await tokens.SetScopeAsync(id, scope, ct);
        return TypedResults.Ok((await tokens.FindAsync(id, ct))!);
    }

    private static async Task<Results<Ok<CreatedTokenResponse>, ProblemHttpResult>> RotateAsync(
        long id, RotateTokenRequest? request, HttpContext http, ClaimsPrincipal caller, ITokenService tokens, CancellationToken ct)
    {
        if (ScopedCaller(http) is { } refused)
        {
            return refused;
        }

        var token = await tokens.FindAsync(id, ct);
        if (token is null || (token.UserId != caller.UserId() && !caller.IsAdmin()))
        {
            return TypedResults.Problem($"No token {id}.", statusCode: StatusCodes.Status404NotFound);
        }

        if (TokenRules.CheckGraceMinutes(request?.GraceMinutes) is { } invalid)
        {
            return Invalid(invalid);
        }

        try
        {
            var rotated = await tokens.RotateAsync(id, TimeSpan.FromMinutes(request?.GraceMinutes ?? 0), ct);
            return rotated is null
                ? TypedResults.Problem($"No token {id}.", statusCode: StatusCodes.Status404NotFound)
                : TypedResults.Ok(new CreatedTokenResponse(rotated.Text, rotated.Info));
        }
        catch (RuleViolationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Cannot rotate");
        }
    }

    internal static RuleViolation? ToScope(IReadOnlyList<string?>? models, int? dailyCalls, out TokenScope scope)
    {
        scope = TokenScope.Unrestricted;
        models ??= [];
        if ((TokenRules.CheckModels(models) ?? TokenRules.CheckDailyCalls(dailyCalls)) is { } refused)
        {
            return refused;
        }

        scope = new TokenScope { Models = [.. models.OfType<string>()], DailyCalls = dailyCalls };
        return null;
    }

    /// <summary>A refused field: 400 with the rule's message, the field named in the title and in <c>field</c>.</summary>
    internal static ProblemHttpResult Invalid(RuleViolation refused) => TypedResults.Problem(
        refused.Message, statusCode: StatusCodes.Status400BadRequest, title: $"Invalid {refused.Field}",
        extensions: new Dictionary<string, object?> { ["field"] = refused.Field });

    /// <summary>A token limited in scope cannot make or widen tokens: it would lift its own limits.</summary>
    internal static ProblemHttpResult? ScopedCaller(HttpContext http) => http.TokenScope().IsUnrestricted
        ? null
        : TypedResults.Problem("This access token is limited in scope, so it cannot create, change or revoke tokens. Sign in, or use an unrestricted token.",
            statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        long id, HttpContext http, ClaimsPrincipal caller, ITokenService tokens, CancellationToken ct)
    {
        if (ScopedCaller(http) is { } refused)
        {
            return refused;
        }

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
