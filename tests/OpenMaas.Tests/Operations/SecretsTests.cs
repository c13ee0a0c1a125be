using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;
using OpenMaas.Tests.Upstream;

namespace OpenMaas.Tests.Operations;

/// <summary>
/// Every secret this test creates — a password, access tokens (one made through the console session), the session
/// cookie, an upstream engine's API key — is looked for in everything the server let out besides the one answer that
/// shows a new token: every log line at Trace level, the /metrics text, and every error answer's headers and body.
/// The calls include what tends to leak: a wrong password, a token one character off, a revoked token, an engine
/// answering 500, a malformed body.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SecretsTests
{
    [Fact]
    public async Task NoSecretAppearsInLogsMetricsOrErrors()
    {
        await using var engine = await StubEngine.StartAsync();
        await using var gateway = await StubGateway.StartAsync([engine], "Logging:LogLevel:Default=Trace", "Logging:LogLevel:Microsoft=Trace", "Logging:LogLevel:Microsoft.AspNetCore=Trace", "Logging:LogLevel:System=Trace", "Logging:LogLevel:Microsoft.EntityFrameworkCore=Trace", "Logging:LogLevel:OpenMaas.Server.Auth.AccessTokenHandler=Trace", "Logging:LogLevel:Microsoft.AspNetCore.DataProtection=Trace");
        var (_, token) = await gateway.CreateUserAsync("keeper");
        const string password = "keeper-password";
        var seen = new StringBuilder();

        async Task<HttpResponseMessage> Keep(Task<HttpResponseMessage> call)
        {
            var response = await call;
            if ((int)response.StatusCode >= 400)
            {
                seen.Append(response.StatusCode).Append('\n').Append(response.Headers).Append(response.Content.Headers)
                    .Append(await response.Content.ReadAsStringAsync()).Append('\n');
            }

            return response;
        }

        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var browser = new HttpClient(handler) { BaseAddress = gateway.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await Keep(browser.PostAsJsonAsync("/api/v1/auth/login", new { name = "keeper", password = password + "x" }))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Keep(browser.PostAsJsonAsync("/api/v1/auth/login", new { name = "nobody", password }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Keep(browser.PostAsJsonAsync("/api/v1/auth/login", new { name = "keeper", password }))).StatusCode);
        var session = string.Join(";", cookies.GetAllCookies().Select(c => c.Value));
        Assert.NotEmpty(session);
        using var created = await browser.PostAsJsonAsync("/api/v1/tokens", new { description = "second" }); // shows the new token once: not scanned
        var createdBody = await created.Content.ReadFromJsonAsync<JsonElement>();
        var second = createdBody.GetProperty("token").GetString()!;
        var secondId = createdBody.GetProperty("info").GetProperty("id").GetInt64();

        using var http = gateway.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await Keep(ChatAsync(http))).StatusCode);
        using (var offByOne = gateway.CreateClient(token[..^1] + (token[^1] == 'A' ? 'B' : 'A')))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Keep(ChatAsync(offByOne))).StatusCode);
        }

        using (var withPassword = gateway.CreateClient(password))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Keep(ChatAsync(withPassword))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await Keep(browser.DeleteAsync($"/api/v1/tokens/{secondId}"))).StatusCode);
        using (var revoked = gateway.CreateClient(second))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Keep(ChatAsync(revoked))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Keep(http.PostAsync("/v1/chat/completions", new StringContent("{\"model\":", Encoding.UTF8, "application/json")))).StatusCode);
        engine.Mode = StubEngine.Behaviour.Error500;
        Assert.Equal(HttpStatusCode.BadGateway, (await Keep(ChatAsync(http))).StatusCode);
        Assert.Equal(StubGateway.EngineKey, engine.LastAuthorization?.Replace("Bearer ", string.Empty, StringComparison.Ordinal)); // the key was really used

        using var metrics = await http.GetAsync("/metrics");
        seen.Append(await metrics.Content.ReadAsStringAsync());
        seen.Append(string.Join('\n', gateway.Logs.Lines));
        Assert.True(gateway.Logs.Lines.Count > 50, $"only {gateway.Logs.Lines.Count} log lines captured: the scan would prove little");

        var everything = seen.ToString();
        foreach (var (what, secret) in new[] { ("password", password), ("token", token), ("second token", second), ("session cookie", session), ("engine key", StubGateway.EngineKey) })
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"the {what} appears in what the server let out");
        }

        Assert.False(everything.Contains(token[..^1], StringComparison.Ordinal), "the body of a presented (wrong) token appears in what the server let out");
    }

    private static Task<HttpResponseMessage> ChatAsync(HttpClient http) => http.PostAsync("/v1/chat/completions", new StringContent(
        $$"""{"model":"{{StubGateway.ModelId}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
}
