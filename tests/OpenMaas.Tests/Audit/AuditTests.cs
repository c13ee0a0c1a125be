using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Settings;
using OpenMaas.Server.Auth;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Audit;

/// <summary>A full round of administrative and security events through /api/v1, the CLI and the domain services, read
/// back from <c>/api/v1/audit</c> and <c>openmaas audit list</c>: a row for every event, who and from where, before and
/// after; no token text or password in any row; admins only; filters.</summary>
[Trait("Category", "Slow")]
public sealed class AuditTests(AuditTests.Fixture server) : IClassFixture<AuditTests.Fixture>
{
    public sealed class Fixture : ServerFixture
    {
        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
    }

    private const string AdminPassword = "auditor-Secret-77";
    private const string CarolPassword = "carol-Secret-pass1";
    private const string CarolSecondPassword = "carol-Other-pass2";

    [Fact]
    public async Task EveryEvent_IsRecorded_WithWhoAndWhere_AndNoSecret()
    {
        var accounts = server.Services.GetRequiredService<IAccountService>();
        await accounts.CreateAsync("auditor", AdminPassword, admin: true);
        using var session = await SignInAsync("auditor", AdminPassword);
        using (var wrong = await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { name = "auditor", password = "not-the-" + AdminPassword }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // /api/v1 with the session: create, scope, rotate, revoke.
        using var created = await session.PostAsJsonAsync("/api/v1/tokens", new { description = "audit" });
        var first = await created.Content.ReadFromJsonAsync<JsonElement>();
        var t1 = first.GetProperty("token").GetString()!;
        var id = first.GetProperty("info").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await session.PutAsJsonAsync($"/api/v1/tokens/{id}/scope", new { models = new[] { TestAssets.StoriesId }, dailyCalls = 3 })).StatusCode);
        var t2 = (await (await session.PostAsJsonAsync($"/api/v1/tokens/{id}/rotate", new { graceMinutes = 5 })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await session.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);

        // The command line.
        Assert.Equal(0, (await Cli.RunAsync(server.DataPath, CarolPassword + "\n", "user", "add", "carol", "--password-stdin")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, "quota", "set", "--daily", "7", "--user", "carol")).ExitCode);
        var t3 = (await Cli.RunAsync(server.DataPath, null, "token", "create", "--user", "carol")).Stdout.Trim();
        var t4 = (await Cli.RunAsync(server.DataPath, null, "token", "rotate", t3[..11])).Stdout.Trim();
        Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, "user", "disable", "carol")).ExitCode);

        // The services every front end calls (the console's pages among them).
        await accounts.SetEnabledAsync("carol", enabled: true);
        await accounts.SetAdminAsync("carol", admin: true);
        await accounts.SetPasswordAsync("carol", CarolSecondPassword);
        await server.RegisterModelAsync(TestAssets.StoriesGguf, "audit/stories", link: true);
        await server.Services.GetRequiredService<IModelCatalog>().UpdateAsync("audit/stories", m => m.ApiInferenceMode = ApiInferenceMode.Off);
        await server.Services.GetRequiredService<ModelRegistrar>().RemoveAsync("audit/stories", CancellationToken.None);
        await server.Services.GetRequiredService<ISiteSettings>().SetSignUpOpenAsync(true);

        using var listed = await session.GetAsync("/api/v1/audit?pageSize=1000");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var text = await listed.Content.ReadAsStringAsync();
        var rows = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().ToList();
        string[] expected =
        [
            AuditActions.SignIn, AuditActions.SignInFailed, AuditActions.UserCreate, AuditActions.UserDisable, AuditActions.UserEnable,
            AuditActions.UserRole, AuditActions.UserPassword, AuditActions.TokenCreate, AuditActions.TokenScope, AuditActions.TokenRotate,
            AuditActions.TokenRevoke, AuditActions.ModelAdd, AuditActions.ModelChange, AuditActions.ModelRemove, AuditActions.SettingsChange,
            AuditActions.QuotaSet,
        ];
        var actions = rows.Select(r => r.GetProperty("action").GetString()).ToHashSet();
        Assert.All(expected, a => Assert.Contains(a, actions));

        // Who and where: the API's rows name the signed-in admin and the loopback address; the CLI's name "cli".
        var apiCreate = rows.Single(r => r.GetProperty("action").GetString() == AuditActions.TokenCreate && r.GetProperty("targetId").GetString() == id.ToString());
        Assert.Equal(("auditor", "127.0.0.1"), (apiCreate.GetProperty("actor").GetString(), apiCreate.GetProperty("address").GetString()));
        var scope = rows.Single(r => r.GetProperty("action").GetString() == AuditActions.TokenScope);
        Assert.Contains("\"dailyCalls\":3", scope.GetProperty("after").GetString(), StringComparison.Ordinal);
        var byCli = rows.Where(r => r.GetProperty("action").GetString() is AuditActions.UserDisable or AuditActions.QuotaSet
            || (r.GetProperty("action").GetString() == AuditActions.UserCreate && r.GetProperty("targetId").GetString() == "carol")).ToList();
        Assert.Equal(3, byCli.Count);
        Assert.All(byCli, r => Assert.Equal(("cli", JsonValueKind.Null), (r.GetProperty("actor").GetString(), r.GetProperty("address").ValueKind)));
        var role = rows.Single(r => r.GetProperty("action").GetString() == AuditActions.UserRole);
        Assert.Equal(("{\"role\":\"user\"}", "{\"role\":\"admin\"}"), (role.GetProperty("before").GetString(), role.GetProperty("after").GetString()));
        var failed = rows.Single(r => r.GetProperty("action").GetString() == AuditActions.SignInFailed);
        Assert.Equal("auditor", failed.GetProperty("actor").GetString());

        // Never a secret: no token text (nor its secret part), no password, in any row.
        string[] secrets = [t1, t2, t3, t4, AdminPassword, CarolPassword, CarolSecondPassword];
        foreach (var secret in secrets.Concat([t1[11..], t2[11..], t3[11..], t4[11..]]))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        // Filters, and the CLI's view of the same rows.
        var tokenRows = await ListAsync(session, "action=token.*");
        Assert.NotEmpty(tokenRows);
        Assert.All(tokenRows, r => Assert.StartsWith("token.", r.GetProperty("action").GetString(), StringComparison.Ordinal));
        var cliRows = await ListAsync(session, "actor=cli");
        Assert.Contains(cliRows, r => r.GetProperty("action").GetString() == AuditActions.TokenRotate);
        var (code, stdout, _) = await Cli.RunAsync(server.DataPath, null, "audit", "list", "--action", "token.rotate", "--json");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(["cli", "auditor"], lines.Select(l => l.GetProperty("actor").GetString()));

        // Admins only.
        var (_, userToken) = await server.CreateUserAsync("nosy");
        Assert.Equal(HttpStatusCode.Forbidden, (await server.CreateClient(userToken).GetAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await session.GetAsync("/api/v1/audit?pageSize=0")).StatusCode);
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient session, string query)
    {
        using var response = await session.GetAsync("/api/v1/audit?" + query);
        response.EnsureSuccessStatusCode();
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()];
    }

    private HttpClient Anonymous() => new() { BaseAddress = server.BaseAddress };

    private async Task<HttpClient> SignInAsync(string name, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseAddress };
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { name, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return client;
    }
}
