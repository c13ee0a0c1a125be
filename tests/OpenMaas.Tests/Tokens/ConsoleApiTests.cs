using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Tokens;

/// <summary>/api/v1 (tokens, usage, auth): users see only their own, admins everyone's; sessions work like tokens;
/// no token or password text ever reaches the logs (captured at Trace).</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class ConsoleApiTests(ConsoleApiTests.Fixture server) : IClassFixture<ConsoleApiTests.Fixture>
{
    public sealed class Fixture : ServerFixture
    {
        public CapturingLoggerProvider Logs { get; } = new();

        protected override IEnumerable<string> Settings =>
        [
            "Logging:LogLevel:Default=Trace",
            "Logging:LogLevel:Microsoft.AspNetCore=Trace",
            "Logging:LogLevel:Microsoft.EntityFrameworkCore=Trace",
            "Logging:LogLevel:OpenMaas.Server.Auth.AccessTokenHandler=Trace",
        ];

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddLogging(b => b.ClearProviders().AddProvider(Logs));
    }

    [Fact]
    public async Task UsersCannotListRevokeOrReadTheUsageOfOthers_AdminsCan()
    {
        var (a, tokenA) = await server.CreateUserAsync("alice");
        var (_, tokenB) = await server.CreateUserAsync("bob");
        var (_, admin) = await server.CreateUserAsync("root", admin: true);
        using var asA = server.CreateClient(tokenA);
        using var asB = server.CreateClient(tokenB);
        using var asAdmin = server.CreateClient(admin);

        var bobsTokens = await asB.GetFromJsonAsync<JsonElement>("/api/v1/tokens");
        var bobsTokenId = bobsTokens[0].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Forbidden, (await asA.GetAsync("/api/v1/tokens?user=bob")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asA.GetAsync("/api/v1/usage?user=bob")).StatusCode);
        using (var revoke = await asA.DeleteAsync($"/api/v1/tokens/{bobsTokenId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
            Assert.Equal("application/problem+json", revoke.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await asA.DeleteAsync("/api/v1/tokens/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await asB.ChatAsync()).StatusCode);

        var mine = await asA.GetFromJsonAsync<JsonElement>("/api/v1/tokens");
        Assert.All(mine.EnumerateArray(), t => Assert.Equal(a.Id, t.GetProperty("userId").GetInt64()));
        Assert.DoesNotContain(tokenA, mine.GetRawText(), StringComparison.Ordinal);

        Assert.Equal(1, (await asAdmin.UsageAsync("bob")).GetProperty("todayUsage").GetProperty("used").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await asAdmin.GetAsync("/api/v1/tokens?user=bob")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await asAdmin.DeleteAsync($"/api/v1/tokens/{bobsTokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asB.ChatAsync()).StatusCode);
    }

    [Fact]
    public async Task SessionCookie_CreatesATokenShownOnce_AndLogoutEndsIt()
    {
        await server.CreateUserAsync("carol");
        using var handler = new HttpClientHandler { UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsJsonAsync("/api/v1/auth/login", new { name = "carol", password = "wrong-password" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsJsonAsync("/api/v1/auth/login", new { name = "carol", password = "carol-password" })).StatusCode);

        using var created = await browser.PostAsJsonAsync("/api/v1/tokens", new { description = "Cherry Studio", expiresDays = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        Assert.Equal("Cherry Studio", body.GetProperty("info").GetProperty("description").GetString());
        using (var api = server.CreateClient(token))
        {
            using var chat = await api.ChatAsync();
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
            Assert.Equal("1999", chat.Header("modelscope-ratelimit-requests-remaining"));
        }

        // A session is not an API key: /v1 needs the bearer token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/v1/models")).StatusCode);
        var usage = await browser.UsageAsync();
        Assert.Equal(1, usage.GetProperty("todayUsage").GetProperty("used").GetInt32());
        Assert.Equal(2000, usage.GetProperty("todayUsage").GetProperty("limit").GetInt32());
        Assert.EndsWith("+08:00", usage.GetProperty("todayUsage").GetProperty("resetsAt").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/v1/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/tokens")).StatusCode);
        AssertLogsHoldNo(token, "carol-password", "wrong-password");
    }

    [Fact]
    public async Task FirstStart_CreatedAnAdminAccount()
    {
        var admin = await server.Services.GetRequiredService<OpenMaas.Core.Accounts.IAccountService>().FindAsync("admin");
        Assert.NotNull(admin);
        Assert.True(admin.IsAdmin);
        Assert.StartsWith("AQAAAA", admin.PasswordHash, StringComparison.Ordinal); // Identity v3 PBKDF2 format
    }

    [Fact]
    public async Task Logs_NeverContainTokensOrPasswords()
    {
        var (_, token) = await server.CreateUserAsync("dave");
        using var http = server.CreateClient(token);
        (await http.ChatAsync()).Dispose();
        using var revoked = server.CreateClient(token[..^1] + (token[^1] == 'A' ? 'B' : 'A'));
        (await revoked.ChatAsync()).Dispose();
        (await http.PostAsJsonAsync("/api/v1/auth/login", new { name = "dave", password = "dave-password" })).Dispose();
        AssertLogsHoldNo(token, token[3..], token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), "dave-password");
        Assert.NotEmpty(server.Logs.Lines);
    }

    private void AssertLogsHoldNo(params string[] secrets)
    {
        foreach (var line in server.Logs.Lines)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
            }
        }
    }
}
