using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core.Tokens;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Tokens;

/// <summary>Token rotation on the real server with a fake clock: a new text for the same token (id, scope, cap, today's
/// use kept), the old text accepted during the grace period and refused (401) after it; by /api/v1 and by the CLI.</summary>
[Trait("Category", "Slow")]
public sealed class TokenRotationTests(TokenRotationTests.Fixture server) : IClassFixture<TokenRotationTests.Fixture>
{
    public sealed class Fixture : ServerFixture
    {
        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
    }

    [Fact]
    public async Task Rotate_KeepsTheToken_AndTheOldTextWorksOnlyForTheGracePeriod()
    {
        var (user, owner) = await server.CreateUserAsync("rotor");
        var tokens = server.Services.GetRequiredService<ITokenService>();
        var created = await tokens.CreateAsync(user.Id, "ci", null, new TokenScope { Models = [TestAssets.StoriesId], DailyCalls = 5 });
        using var old = server.CreateClient(created.Text);
        using (var call = await old.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        // A scoped token cannot rotate (it could lift its own limits); the owner's unrestricted token can.
        Assert.Equal(HttpStatusCode.Forbidden, (await old.PostAsJsonAsync($"/api/v1/tokens/{created.Info.Id}/rotate", new { graceMinutes = 10 })).StatusCode);
        using var rotate = await server.CreateClient(owner).PostAsJsonAsync($"/api/v1/tokens/{created.Info.Id}/rotate", new { graceMinutes = 10 });
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var body = await rotate.Content.ReadFromJsonAsync<JsonElement>();
        var fresh = body.GetProperty("token").GetString()!;
        var info = body.GetProperty("info");
        Assert.NotEqual(created.Text, fresh);
        Assert.True(TokenSecret.IsWellFormed(fresh));
        Assert.Equal(created.Info.Id, info.GetProperty("id").GetInt64());
        Assert.Equal(fresh[..11], info.GetProperty("prefix").GetString());
        Assert.Equal(5, info.GetProperty("scope").GetProperty("dailyCalls").GetInt32());
        Assert.Equal(1, info.GetProperty("usedToday").GetInt32()); // the call before the rotation is still the token's

        using var @new = server.CreateClient(fresh);
        Assert.Equal(HttpStatusCode.OK, (await @new.GetAsync("/v1/models")).StatusCode);
        server.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/v1/models")).StatusCode);

        server.Clock.Advance(TimeSpan.FromMinutes(1)); // the grace period is over
        using (var refused = await old.GetAsync("/v1/models"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("rotated", (await refused.ErrorAsync()).Message, StringComparison.OrdinalIgnoreCase);
        }

        using (var call = await @new.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        var after = (await tokens.FindAsync(created.Info.Id))!;
        Assert.Equal((2, 5), (after.UsedToday, after.Scope.DailyCalls!.Value));
        Assert.Equal([TestAssets.StoriesId], after.Scope.Models);
    }

    [Fact]
    public async Task Rotate_WithoutGrace_RefusesTheOldTextAtOnce_AndIsRefusedForRevokedTokens()
    {
        var (user, text) = await server.CreateUserAsync("rotor-now");
        using var old = server.CreateClient(text);
        var id = (await server.Services.GetRequiredService<ITokenService>().ListAsync(user.Id)).Single().Id;

        using (var bad = await old.PostAsJsonAsync($"/api/v1/tokens/{id}/rotate", new { graceMinutes = -1 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using var rotate = await old.PostAsJsonAsync($"/api/v1/tokens/{id}/rotate", new { });
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var fresh = (await rotate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/v1/models")).StatusCode);

        using var @new = server.CreateClient(fresh);
        Assert.Equal(HttpStatusCode.NoContent, (await @new.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        var revoked = await server.CreateClient(server.ApiKey).PostAsJsonAsync($"/api/v1/tokens/{id}/rotate", new { });
        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode); // someone else's token: reported as missing
    }

    [Fact]
    public async Task CliRotate_PrintsTheNewTextOnce_AndTheServerRefusesTheOldOne()
    {
        var (_, text) = await server.CreateUserAsync("rotor-cli");
        using var old = server.CreateClient(text);
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/v1/models")).StatusCode);

        var (code, stdout, stderr) = await Cli.RunAsync(server.DataPath, null, "token", "rotate", text[..11]);
        Assert.True(code == 0, stderr);
        var fresh = stdout.Trim();
        Assert.True(TokenSecret.IsWellFormed(fresh), stdout);
        Assert.Contains("refused from now on", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(fresh, stderr, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/v1/models")).StatusCode);
        using var @new = server.CreateClient(fresh);
        Assert.Equal(HttpStatusCode.OK, (await @new.GetAsync("/v1/models")).StatusCode);

        var (badCode, _, badErr) = await Cli.RunAsync(server.DataPath, null, "token", "rotate", fresh[..11], "--grace-minutes", "99999999");
        Assert.Equal(2, badCode);
        Assert.Contains("--grace-minutes", badErr, StringComparison.Ordinal);
    }
}
