using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Tokens;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Organizations;

/// <summary>The org verbs of the real <c>openmaas</c> CLI against a running server's data folder: what they do shows on
/// the server at once, and what the rules refuse exits 2 with the API's message.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class OrganizationCliTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task OrgVerbs_CreateMembersTokensAndPrivateModels_ThatTheServerHonoursAtOnce()
    {
        var (_, ownerToken) = await server.CreateUserAsync("cli-owner");
        var (_, memberToken) = await server.CreateUserAsync("cli-member");

        await RunAsync(0, "org", "add", "initech", "--owner", "cli-owner", "--display-name", "Initech");
        var (_, _, exists) = await RunAsync(1, "org", "add", "initech");
        Assert.Contains("exists already", exists, StringComparison.Ordinal);
        var (_, _, numeric) = await RunAsync(2, "org", "add", "123");
        Assert.Contains(OrganizationRules.CheckName("123")!.Message, numeric, StringComparison.Ordinal);
        var (_, list, _) = await RunAsync(0, "org", "list");
        Assert.Contains("initech", list, StringComparison.Ordinal);

        await RunAsync(0, "org", "member", "add", "initech", "cli-member", "--role", "member");
        var (_, _, badRole) = await RunAsync(2, "org", "member", "add", "initech", "cli-member", "--role", "boss");
        Assert.Contains(OrganizationRules.CheckRole("boss")!.Message, badRole, StringComparison.Ordinal);
        await RunAsync(1, "org", "member", "add", "initech", "nobody-at-all");
        var (_, members, _) = await RunAsync(0, "org", "member", "list", "initech");
        Assert.Contains("cli-member", members, StringComparison.Ordinal);
        Assert.Contains("owner", members, StringComparison.Ordinal);

        // An organisation token: printed once, carries the organisation, only for a member.
        var (_, secret, _) = await RunAsync(0, "token", "create", "--user", "cli-member", "--org", "initech", "--description", "ci");
        secret = secret.Trim();
        var check = await server.Services.GetRequiredService<ITokenService>().CheckAsync(secret);
        var initech = (await server.Services.GetRequiredService<IOrganizationService>().FindAsync("initech"))!;
        Assert.Equal(initech.Id, check.OrganizationId);
        var (_, _, notMember) = await RunAsync(2, "token", "create", "--user", "tester", "--org", "initech");
        Assert.Contains("not a member of initech", notMember, StringComparison.Ordinal);
        using var orgClient = server.CreateClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await orgClient.GetAsync("/v1/models")).StatusCode);

        // A private model of the organisation: only its members see it; only an organisation's model can be private.
        await RunAsync(0, "model", "add", TestAssets.StoriesGguf, "--id", "initech/tps", "--link", "--private");
        var (_, _, notOrg) = await RunAsync(2, "model", "add", TestAssets.StoriesGguf, "--id", "nobodys/tps", "--link", "--private");
        Assert.Contains("Only a model of an organisation can be private", notOrg, StringComparison.Ordinal);
        using var outsider = server.CreateClient();
        using var member = server.CreateClient(memberToken);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync("/api/v1/models/initech/tps")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/v1/models/initech/tps")).StatusCode);
        var (_, setOut, _) = await RunAsync(0, "model", "set", "initech/tps", "--private", "false");
        Assert.DoesNotContain("private to", setOut, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await outsider.GetAsync("/api/v1/models/initech/tps")).StatusCode);
        var (_, privateAgain, _) = await RunAsync(0, "model", "set", "initech/tps", "--private");
        Assert.Contains("private to initech", privateAgain, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync("/api/v1/models/initech/tps")).StatusCode);

        // Removing the member revokes the organisation's tokens made for them; the last owner stays.
        await RunAsync(0, "org", "member", "remove", "initech", "cli-member");
        Assert.Equal(HttpStatusCode.Unauthorized, (await orgClient.GetAsync("/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/api/v1/models/initech/tps")).StatusCode);
        var (_, _, lastOwner) = await RunAsync(2, "org", "member", "remove", "initech", "cli-owner");
        Assert.Contains("at least one owner", lastOwner, StringComparison.Ordinal);

        // An organisation is removed only once it owns no models; its tokens go with it.
        var (_, ownerOrgSecret, _) = await RunAsync(0, "token", "create", "--user", "cli-owner", "--org", "initech");
        using var ownerOrg = server.CreateClient(ownerOrgSecret.Trim());
        Assert.Equal(HttpStatusCode.OK, (await ownerOrg.GetAsync("/v1/models")).StatusCode);
        var (_, _, ownsModels) = await RunAsync(2, "org", "remove", "initech");
        Assert.Contains(OrganizationRules.CheckOwnsNoModels("initech", 1)!.Message, ownsModels, StringComparison.Ordinal);
        await RunAsync(0, "model", "remove", "initech/tps");
        var (_, _, removed) = await RunAsync(0, "org", "remove", "initech");
        Assert.Contains("Deleted organisation 'initech'", removed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ownerOrg.GetAsync("/v1/models")).StatusCode);
        using var owner = server.CreateClient(ownerToken);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/v1/models")).StatusCode);
        await RunAsync(1, "org", "remove", "initech");
    }

    private async Task<(int Rc, string Stdout, string Stderr)> RunAsync(int expected, params string[] args)
    {
        var (rc, stdout, stderr) = await Cli.RunAsync(server.DataPath, null, args);
        Assert.True(rc == expected, $"openmaas {string.Join(' ', args)}: exit {rc}, expected {expected}\n{stdout}\n{stderr}");
        return (rc, stdout, stderr);
    }
}
