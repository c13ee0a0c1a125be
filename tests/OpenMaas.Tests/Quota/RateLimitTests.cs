using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Quota;
using OpenMaas.Server.Pipeline;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

/// <summary>Per-minute limits and weights on the real server with real stories260K calls, on a fake clock that drives the
/// minute window: TPM admits on the prompt's tokens and settles with the real counts; a weight-2 model spends 2 units and
/// the balance endpoint agrees with the usage API and the console's usage page.</summary>
[Trait("Category", "Slow")]
public sealed class RateLimitTests(RateLimitTests.Fixture server) : IClassFixture<RateLimitTests.Fixture>
{
    private const string Heavy = "karpathy/stories260K-heavy";

    public sealed class Fixture : ServerFixture
    {
        // 10 s into a UTC minute.
        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 4, 0, 10, TimeSpan.Zero));

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await RegisterModelAsync(TestAssets.StoriesGguf, Heavy, link: true);
            await Services.GetRequiredService<IModelCatalog>().UpdateAsync(Heavy, m => m.Weight = 2);
        }
    }

    /// <summary>Moves the fake clock forward (it never goes back; the tests share it) to a second of a later minute.</summary>
    private void AtSecondOfNextMinute(int second)
    {
        var now = server.Clock.GetUtcNow();
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        server.Clock.SetUtcNow(minute.AddMinutes(1).AddSeconds(second));
    }

    private static Task<HttpResponseMessage> StoryAsync(HttpClient http, int maxTokens = 12, string model = TestAssets.StoriesId) =>
        http.PostAsync(QuotaTestExtensions.Chat, new StringContent(
            $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":{{maxTokens}},"temperature":0}""",
            Encoding.UTF8, "application/json"));

    private static async Task<(int Prompt, int Completion)> UsageOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage");
        return (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task TokensPerMinute_AdmitOnThePrompt_SettleWithTheRealCounts_AndTheMinuteRolls()
    {
        AtSecondOfNextMinute(10);
        var (_, probeToken) = await server.CreateUserAsync("tpm-probe");
        using var probe = server.CreateClient(probeToken);
        using var probed = await StoryAsync(probe);
        var (prompt, completion) = await UsageOfAsync(probed);
        Assert.True(prompt > 0 && completion > 0, $"{prompt} + {completion}");

        // Room for one call's real tokens plus one more prompt, less one: the second call fits only if the first had been
        // counted on its prompt alone (no settlement).
        var tpm = prompt + completion + prompt - 1;
        var (user, token) = await server.CreateUserAsync("tpm");
        await server.Services.GetRequiredService<IQuotaLimits>().SetAsync(new LimitScope(user.Id), new LimitValues(Tpm: tpm));
        using var http = server.CreateClient(token);
        using (var first = await StoryAsync(http))
        {
            Assert.Equal((prompt, completion), await UsageOfAsync(first));
            Assert.Equal(tpm.ToString(), first.Header(QuotaResponses.TokensLimitHeader));
            Assert.Equal((tpm - prompt).ToString(), first.Header(QuotaResponses.TokensRemainingHeader)); // admitted on the prompt
            Assert.Equal("50s", first.Header(QuotaResponses.TokensResetHeader));
        }

        using (var second = await StoryAsync(http))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.Equal("tokens_rate_limit_exceeded", (await second.ErrorAsync()).Code);
            Assert.Equal("50", second.Header("Retry-After"));
            Assert.Equal((tpm - prompt - completion).ToString(), second.Header(QuotaResponses.TokensRemainingHeader));
            Assert.Equal("2000", second.Header(QuotaResponses.LimitHeader)); // the daily family is there too
        }

        server.Clock.Advance(TimeSpan.FromSeconds(50)); // the next UTC minute
        using (var rolled = await StoryAsync(http))
        {
            Assert.Equal((prompt, completion), await UsageOfAsync(rolled));
            Assert.Equal("60s", rolled.Header(QuotaResponses.TokensResetHeader));
        }
    }

    [Fact]
    public async Task RequestsPerMinute_RefuseTheCallPastTheLimit_WithBothHeaderFamilies_AndTheMinuteRolls()
    {
        AtSecondOfNextMinute(45);
        var (user, token) = await server.CreateUserAsync("rpm");
        await server.Services.GetRequiredService<IQuotaLimits>().SetAsync(new LimitScope(user.Id), new LimitValues(Daily: 100, Rpm: 2));
        using var http = server.CreateClient(token);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await http.ChatAsync();
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(("2", (1 - i).ToString(), "15s"), (ok.Header(QuotaResponses.RequestsLimitHeader), ok.Header(QuotaResponses.RequestsRemainingHeader), ok.Header(QuotaResponses.RequestsResetHeader)));
        }

        using (var over = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
            var (_, type, code) = await over.ErrorAsync();
            Assert.Equal(("rate_limit_exceeded", "rate_limit_exceeded"), (type, code));
            Assert.Equal("15", over.Header("Retry-After"));
            Assert.Equal(("2", "0"), (over.Header(QuotaResponses.RequestsLimitHeader), over.Header(QuotaResponses.RequestsRemainingHeader)));
            Assert.Equal(("100", "98"), (over.Header(QuotaResponses.LimitHeader), over.Header(QuotaResponses.RemainingHeader)));
        }

        server.Clock.Advance(TimeSpan.FromSeconds(15));
        using var next = await http.ChatAsync();
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task AWeightTwoModel_SpendsTwoUnits_AndTheBalanceAgreesWithTheUsageApiAndPage()
    {
        var (user, token) = await server.CreateUserAsync("weighty");
        await server.SetLimitAsync(user.Id, null, 7);
        using var http = server.CreateClient(token);
        for (var i = 0; i < 3; i++)
        {
            using var heavy = await http.ChatAsync(Heavy);
            Assert.Equal(HttpStatusCode.OK, heavy.StatusCode);
            Assert.Equal((7 - 2 * (i + 1)).ToString(), heavy.Header(QuotaResponses.RemainingHeader));
        }

        using (var over = await http.ChatAsync(Heavy)) // 6 + 2 > 7
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
            Assert.Equal("daily_quota_exceeded", (await over.ErrorAsync()).Code);
        }

        using (var light = await http.ChatAsync()) // 6 + 1 = 7
        {
            Assert.Equal(HttpStatusCode.OK, light.StatusCode);
        }

        var balance = await http.GetFromJsonAsync<JsonElement>("/api/v1/balance");
        Assert.Equal((7, 7, 0), (balance.GetProperty("limit").GetInt32(), balance.GetProperty("used").GetInt32(), balance.GetProperty("remaining").GetInt32()));
        var pools = balance.GetProperty("pools").EnumerateArray().Select(p => p.GetProperty("pool").GetString()).ToList();
        Assert.Equal(["user", "token"], pools);

        var usage = await http.UsageAsync();
        var today = usage.GetProperty("todayUsage");
        Assert.Equal((7, 4), (today.GetProperty("used").GetInt32(), today.GetProperty("calls").GetInt32()));
        var heavyRow = usage.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("id").GetString() == Heavy);
        Assert.Equal((6, 3, 2), (heavyRow.GetProperty("used").GetInt32(), heavyRow.GetProperty("calls").GetInt32(), heavyRow.GetProperty("weight").GetInt32()));

        // The console's usage page, signed in as the user, shows the same units and calls.
        using var console = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseAddress };
        using (var login = await console.PostAsJsonAsync("/api/v1/auth/login", new { name = "weighty", password = "weighty-password" }))
        {
            login.EnsureSuccessStatusCode();
        }

        var page = await console.GetStringAsync("/account/usage");
        Assert.Matches("data-testid=\"used\">7<", page);
        Assert.Matches("data-testid=\"calls\">4<", page);
        Assert.Matches("data-testid=\"model-calls\">3</td><td class=\"num\">2</td><td class=\"num\" data-testid=\"model-used\">6<", page);

        var credits = await http.GetFromJsonAsync<JsonElement>("/api/v1/inference/credits");
        Assert.Equal((200, true), (credits.GetProperty("Code").GetInt32(), credits.GetProperty("Success").GetBoolean()));
        Assert.Equal((7, 7, 0), (credits.GetProperty("Data").GetProperty("TotalCredits").GetInt32(),
            credits.GetProperty("Data").GetProperty("UsedCredits").GetInt32(), credits.GetProperty("Data").GetProperty("RemainingCredits").GetInt32()));
    }
}
