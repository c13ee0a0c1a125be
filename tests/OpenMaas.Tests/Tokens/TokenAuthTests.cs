using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Storage;
using OpenMaas.Core.Tokens;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Tokens;

/// <summary>Bearer tokens on /v1: every refusal is a 401 in the OpenAI envelope that says why; changes made by the
/// CLI in the same data folder apply to the running server at once.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class TokenAuthTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData(null, "missing_api_key", "Missing access token")]
    [InlineData("Basic dXNlcjpwYXNz", "invalid_api_key", "Malformed Authorization header")]
    [InlineData("Bearer sk-1234", "invalid_api_key", "Malformed access token")]
    [InlineData("Bearer ms-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "invalid_api_key", "no such token")]
    public async Task BadCredentials_Get401InTheOpenAIEnvelope(string? authorization, string code, string reason)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        if (authorization is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var call in new Func<Task<HttpResponseMessage>>[] { () => http.ChatAsync(), () => http.GetAsync("/v1/models") })
        {
            using var response = await call();
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var (message, type, actualCode) = await response.ErrorAsync();
            Assert.Equal(("invalid_request_error", code), (type, actualCode));
            Assert.Contains(reason, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RevokedExpiredAndDisabled_AreRefusedAtOnce_EvenWhenChangedByTheCli()
    {
        var (_, revoked) = await server.CreateUserAsync("cli-revoke");
        var (_, expired) = await server.CreateUserAsync("expiring");
        var (_, disabled) = await server.CreateUserAsync("cli-disable");
        foreach (var token in new[] { revoked, expired, disabled })
        {
            using var http = server.CreateClient(token);
            Assert.Equal(HttpStatusCode.OK, (await http.ChatAsync()).StatusCode);
        }

        Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, "token", "revoke", revoked[..11])).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, "user", "disable", "cli-disable")).ExitCode);
        var factory = server.Services.GetRequiredService<IDbContextFactory<OpenMaasDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var token = await db.Tokens.SingleAsync(t => t.Prefix == expired.Substring(0, 11));
            token.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }

        await AssertRefusedAsync(revoked, "revoked");
        await AssertRefusedAsync(expired, "expired");
        await AssertRefusedAsync(disabled, "disabled");
    }

    [Fact]
    public async Task RevokeByTheCli_RefusesTheVeryNextCall_EveryTime()
    {
        var (user, _) = await server.CreateUserAsync("revoke-loop");
        var tokens = server.Services.GetRequiredService<ITokenService>();
        for (var i = 0; i < 3; i++)
        {
            var token = (await tokens.CreateAsync(user.Id, $"round {i}", null)).Text;
            using (var http = server.CreateClient(token))
            {
                // Twice: the second call is answered from the server's cache.
                Assert.Equal(HttpStatusCode.OK, (await http.ChatAsync()).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await http.ChatAsync()).StatusCode);
            }

            Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, "token", "revoke", token[..11])).ExitCode);
            await AssertRefusedAsync(token, "revoked");
        }
    }

    [Fact]
    public async Task DisableByTheCli_RefusesTheVeryNextCall_OfEveryTokenOfTheUser()
    {
        var (user, first) = await server.CreateUserAsync("disable-all");
        var second = (await server.Services.GetRequiredService<ITokenService>().CreateAsync(user.Id, "second", null)).Text;
        foreach (var token in new[] { first, second, first, second })
        {
            using var http = server.CreateClient(token);
            Assert.Equal(HttpStatusCode.OK, (await http.ChatAsync()).StatusCode);
        }

        var disable = await Cli.RunAsync(server.DataPath, null, "user", "disable", "disable-all");
        Assert.True(disable.ExitCode == 0, disable.Stderr);
        await AssertRefusedAsync(first, "disabled");
        await AssertRefusedAsync(second, "disabled");
    }

    [Fact]
    public async Task TokenCreatedByTheCli_WorksAtOnce_AndIsAloneOnStdout()
    {
        await server.CreateUserAsync("cli-user");
        var (exit, stdout, stderr) = await Cli.RunAsync(server.DataPath, null, "token", "create", "--user", "cli-user", "--description", "script");
        Assert.True(exit == 0, stderr);
        var token = stdout.TrimEnd('\n');
        Assert.Matches("^ms-[A-Za-z0-9_-]{32}$", token);
        using var http = server.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await http.ChatAsync()).StatusCode);

        var list = await Cli.RunAsync(server.DataPath, null, "token", "list", "--user", "cli-user");
        Assert.Contains(token[..11], list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(token, list.Stdout + list.Stderr, StringComparison.Ordinal);
    }

    private async Task AssertRefusedAsync(string token, string reason)
    {
        using var http = server.CreateClient(token);
        using var response = await http.ChatAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(reason, (await response.ErrorAsync()).Message, StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }
}
