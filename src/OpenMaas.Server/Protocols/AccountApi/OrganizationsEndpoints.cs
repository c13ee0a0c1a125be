using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMaas.Core;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.AccountApi;

/// <summary><c>/api/v1/orgs</c>: organisations, their members and roles, their tokens and their models. System admins
/// create organisations and do everything; owners and admins manage members and tokens (only owners touch owners);
/// owners delete an organisation once it owns no models;
/// members see the organisation; to anyone else it answers 404, as for one that does not exist. Errors are ProblemDetails.</summary>
internal static class OrganizationsEndpoints
{
    /// <param name="Owner">The first owner's user name; the caller when absent.</param>
    public sealed record CreateOrganizationRequest(string? Name, string? DisplayName = null, string? Owner = null);

    public sealed record AddMemberRequest(string? User, string? Role);

    public sealed record SetRoleRequest(string? Role);

    /// <param name="User">The member the token is for (its calls are theirs); the caller when absent.</param>
    public sealed record CreateOrganizationTokenRequest(
        string? Description, int? ExpiresDays, IReadOnlyList<string?>? Models = null, int? DailyCalls = null, string? User = null);

    public sealed record OrganizationDetail(OrganizationInfo Organization, IReadOnlyList<MemberInfo> Members);

    public sealed record OrganizationModel(string Id, string Task, bool Private, bool ApiInference);

    /// <summary>The only response that ever carries an organisation token's text.</summary>
    public sealed record CreatedOrganizationToken(string Token, TokenInfo Info);

    public static IEndpointRouteBuilder MapOrganizations(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/orgs").RequireAuthorization(AuthNames.ConsolePolicy);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{org}", GetAsync);
        group.MapDelete("/{org}", DeleteAsync);
        group.MapGet("/{org}/members", MembersAsync);
        group.MapPost("/{org}/members", AddMemberAsync);
        group.MapPut("/{org}/members/{user}", SetRoleAsync);
        group.MapDelete("/{org}/members/{user}", RemoveMemberAsync);
        group.MapGet("/{org}/tokens", TokensAsync);
        group.MapPost("/{org}/tokens", CreateTokenAsync);
        group.MapDelete("/{org}/tokens/{id:long}", RevokeTokenAsync);
        group.MapGet("/{org}/models", ModelsAsync);
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<OrganizationInfo>>> ListAsync(ClaimsPrincipal caller, IOrganizationService organizations, CancellationToken ct) =>
        TypedResults.Ok(await organizations.ListAsync(caller.UserId()!.Value, caller.IsAdmin(), ct));

    private static async Task<Results<Created<OrganizationInfo>, ProblemHttpResult>> CreateAsync(
        CreateOrganizationRequest request, ClaimsPrincipal caller, IOrganizationService organizations, IAccountService accounts, CancellationToken ct)
    {
        if (!caller.IsAdmin())
        {
            return TypedResults.Problem("Only admins may create organisations.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        if ((OrganizationRules.CheckName(request.Name) ?? OrganizationRules.CheckDisplayName(request.DisplayName)) is { } invalid)
        {
            return Invalid(invalid);
        }

        var ownerId = caller.UserId()!.Value;
        if (request.Owner is { } ownerName)
        {
            if ((UserName.IsValid(ownerName) ? await accounts.FindAsync(ownerName, ct) : null) is not { } owner)
            {
                return TypedResults.Problem($"No user '{ownerName}'.", statusCode: StatusCodes.Status404NotFound);
            }

            ownerId = owner.Id;
        }

        var created = await organizations.CreateAsync(request.Name!, request.DisplayName, ownerId, ct);
        return created is null
            ? TypedResults.Problem($"The organisation '{request.Name}' exists already.", statusCode: StatusCodes.Status409Conflict)
            : TypedResults.Created($"/api/v1/orgs/{created.Name}", created);
    }

    private static async Task<Results<Ok<OrganizationDetail>, ProblemHttpResult>> GetAsync(
        string org, ClaimsPrincipal caller, IOrganizationService organizations, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(caller, org, organizations, ct) is not { } access)
        {
            return NoOrganization(org);
        }

        var members = await organizations.MembersAsync(access.Organization.Id, ct);
        var o = access.Organization;
        return TypedResults.Ok(new OrganizationDetail(new OrganizationInfo(o.Id, o.Name, o.DisplayName, o.CreatedAt, members.Count, access.Role), members));
    }

    /// <summary>Owners and system admins delete an organisation that owns no models; its tokens go with it.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string org, HttpContext http, ClaimsPrincipal caller, IOrganizationService organizations, OrganizationActions actions, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(caller, org, organizations, ct) is not { } access)
        {
            return NoOrganization(org);
        }

        if (TokensEndpoints.ScopedCaller(http) is { } scoped)
        {
            return scoped;
        }

        return await actions.DeleteAsync(access, ct) is { } refused ? Problem(refused) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<MemberInfo>>, ProblemHttpResult>> MembersAsync(
        string org, ClaimsPrincipal caller, IOrganizationService organizations, CancellationToken ct) =>
        await OrganizationAccess.ResolveAsync(caller, org, organizations, ct) is { } access
            ? TypedResults.Ok(await organizations.MembersAsync(access.Organization.Id, ct))
            : NoOrganization(org);

    private static async Task<Results<Created<IReadOnlyList<MemberInfo>>, ProblemHttpResult>> AddMemberAsync(
        string org, AddMemberRequest request, ClaimsPrincipal caller, IOrganizationService organizations, OrganizationActions actions, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(caller, org, organizations, ct) is not { } access)
        {
            return NoOrganization(org);
        }

        if (await actions.AddMemberAsync(access, request.User, request.Role, ct) is { } refused)
        {
            return Problem(refused);
        }

        return TypedResults.Created($"/api/v1/orgs/{access.Organization.Name}/members/{request.User}", await organizations.MembersAsync(access.Organization.Id, ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<MemberInfo>>, ProblemHttpResult>> SetRoleAsync(
        string org, string user, SetRoleRequest request, ClaimsPrincipal caller, IOrganizationService organizations, OrganizationActions actions, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(caller, org, organizations, ct) is not { } access)
        {
            return NoOrganization(org);
        }

        return await actions.SetRoleAsync(access, user, request.Role, ct) is { } refused
            ? Problem(refused)
            : TypedResults.Ok(await organizations.MembersAsync(access.Organization.Id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(
        string org, string user, ClaimsPrincipal caller, IOrganizationService organizations, OrganizationActions actions, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(caller, org, organizations, ct) is not { } access)
        {
            return NoOrganization(org);
        }

        return await actions.RemoveMemberAsync(access, user, ct) is { } refused ? Problem(refused) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<TokenInfo>>, ProblemHttpResult>> TokensAsync(
        string org, ClaimsPrincipal caller, IOrganizationService organizations, ITokenService tokens, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(caller, org, organizations, ct) is not { } access)
        {
            return NoOrganization(org);
        }

        return access.Manages
            ? TypedResults.Ok(await tokens.ListByOrganizationAsync(access.Organization.Id, ct))
            : Problem(OrganizationActions.NotManager(access));
    }

    private static async Task<Results<Created<CreatedOrganizationToken>, ProblemHttpResult>> CreateTokenAsync(
        string org, CreateOrganizationTokenRequest request, HttpContext http, ClaimsPrincipal caller, IOrganizationService organizations,
        OrganizationActions actions, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(caller, org, organizations, ct) is not { } access)
        {
            return NoOrganization(org);
        }

        if (TokensEndpoints.ScopedCaller(http) is { } scoped)
        {
            return scoped;
        }

        if (!access.Manages)
        {
            return Problem(OrganizationActions.NotManager(access));
        }

        if (TokensEndpoints.ToScope(request.Models, request.DailyCalls, out var scope) is { } badScope)
        {
            return Invalid(badScope);
        }

        var (created, refused) = await actions.CreateTokenAsync(access, caller.UserId()!.Value, request.User, request.Description, request.ExpiresDays, scope, ct);
        return created is null
            ? Problem(refused!)
            : TypedResults.Created($"/api/v1/orgs/{access.Organization.Name}/tokens/{created.Info.Id}", new CreatedOrganizationToken(created.Text, created.Info));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(
        string org, long id, ClaimsPrincipal caller, IOrganizationService organizations, OrganizationActions actions, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(caller, org, organizations, ct) is not { } access)
        {
            return NoOrganization(org);
        }

        return await actions.RevokeTokenAsync(access, id, ct) is { } refused ? Problem(refused) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<OrganizationModel>>, ProblemHttpResult>> ModelsAsync(
        string org, ClaimsPrincipal caller, IOrganizationService organizations, CancellationToken ct)
    {
        if (await OrganizationAccess.ResolveAsync(caller, org, organizations, ct) is not { } access)
        {
            return NoOrganization(org);
        }

        var models = await organizations.ModelsAsync(access.Organization.Name, ct);
        return TypedResults.Ok<IReadOnlyList<OrganizationModel>>([.. models.Select(m => new OrganizationModel(m.Id, m.Task, m.Private, m.ApiInference))]);
    }

    /// <summary>Missing, or not the caller's to see: the same answer.</summary>
    private static ProblemHttpResult NoOrganization(string org) =>
        TypedResults.Problem($"No organisation '{org}'.", statusCode: StatusCodes.Status404NotFound, title: "Not Found");

    private static ProblemHttpResult Problem(OrganizationRefusal refused) => refused.Status == StatusCodes.Status400BadRequest
        ? Invalid(refused.Reason)
        : TypedResults.Problem(refused.Reason.Message, statusCode: refused.Status, extensions: new Dictionary<string, object?> { ["field"] = refused.Reason.Field });

    private static ProblemHttpResult Invalid(RuleViolation refused) => TokensEndpoints.Invalid(refused);
}
