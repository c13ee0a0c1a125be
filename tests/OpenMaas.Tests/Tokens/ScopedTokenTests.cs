using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tokens;
using OpenMaas.Core.Usage;
using OpenMaas.Server.Pipeline;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Tokens;

/// <summary>Tokens limited to some models and to a daily cap of their own, on the real server with two models.</summary>
[Trait("Category", "Slow")]
public sealed class ScopedTokenTests(ScopedTokenTests.Fixture server) : IClassFixture<ScopedTokenTests.Fixture>
{
    public const string SecondModel = "karpathy/stories260K-b";

    public sealed class Fixture : ServerFixture
    {
        protected override IEnumerable<string> Settings => ["Inference:ParallelSequences=8", "Inference:QueueLimit=500"];

        protected override Task SeedAsync() => RegisterModelAsync(TestAssets.StoriesGguf, SecondModel, link: true);
    }

    [Fact]
    public async Task TokenLimitedToOneModel_ListsOnlyIt_AndIsRefusedElsewhere_AtNoCost()
    {
        var (user, _) = await server.CreateUserAsync("scoped-one");
        var token = await CreateTokenAsync(user.Id, new TokenScope { Models = [TestAssets.StoriesId] });
        using var http = server.CreateClient(token);

        var models = await http.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal([TestAssets.StoriesId], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/v1/models/{TestAssets.StoriesId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/v1/models/{SecondModel}")).StatusCode);

        using (var allowed = await http.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            using var refused = await http.ChatAsync(SecondModel);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var (message, type, code) = await refused.ErrorAsync();
            Assert.Equal(("permission_error", "model_not_allowed"), (type, code));
            Assert.Contains(SecondModel, message, StringComparison.Ordinal);
        }

        // Refusals cost nothing: one call counted, one usage record.
        var day = server.Services.GetRequiredService<QuotaCalendar>().Today().Date;
        Assert.Equal(1, (await server.Services.GetRequiredService<IQuotaCounter>().GetUsedAsync(user.Id, day)).Total);
        Assert.Single(await server.Services.GetRequiredService<IUsageQueries>().RecordsAsync(user.Id, day));

        // An owner pattern lets every model of that owner through.
        var owner = await CreateTokenAsync(user.Id, new TokenScope { Models = ["karpathy/*"] });
        using var byOwner = server.CreateClient(owner);
        Assert.Equal(2, (await byOwner.GetFromJsonAsync<JsonElement>("/v1/models")).GetProperty("data").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await byOwner.ChatAsync(SecondModel)).StatusCode);
    }

    [Fact]
    public async Task TokenCapOfTen_Under200ConcurrentCalls_AdmitsExactlyTen_WhileTheUsersOtherTokenWorks()
    {
        var (user, other) = await server.CreateUserAsync("scoped-cap");
        var capped = await CreateTokenAsync(user.Id, new TokenScope { DailyCalls = 10 });
        using var http = server.CreateClient(capped);
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            await Task.Yield();
            using var response = await http.ChatAsync();
            return (response.StatusCode, Code: response.StatusCode == HttpStatusCode.OK ? null : (await response.ErrorAsync()).Code,
                Limit: response.Header(QuotaResponses.TokenLimitHeader), Remaining: response.Header(QuotaResponses.TokenRemainingHeader),
                UserLimit: response.Header(QuotaResponses.LimitHeader), RetryAfter: response.Headers.RetryAfter);
        }));
        Assert.Equal(10, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(190, results.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.OK), r =>
        {
            Assert.Equal("token_daily_quota_exceeded", r.Code);
            Assert.Equal("0", r.Remaining);
            Assert.NotNull(r.RetryAfter);
        });
        Assert.All(results, r => Assert.Equal(("10", "2000"), (r.Limit, r.UserLimit)));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString()).Order(), results.Where(r => r.StatusCode == HttpStatusCode.OK).Select(r => r.Remaining).Order());

        using var otherHttp = server.CreateClient(other);
        using var fine = await otherHttp.ChatAsync();
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        Assert.Equal(string.Empty, fine.Header(QuotaResponses.TokenLimitHeader));
        Assert.Equal("1989", fine.Header(QuotaResponses.RemainingHeader));

        // The console API shows each token's scope and today's use.
        var tokens = await otherHttp.GetFromJsonAsync<JsonElement>("/api/v1/tokens");
        var cappedInfo = tokens.EnumerateArray().Single(t => t.GetProperty("scope").GetProperty("dailyCalls").ValueKind == JsonValueKind.Number);
        Assert.Equal(10, cappedInfo.GetProperty("usedToday").GetInt32());
        Assert.Equal(10, cappedInfo.GetProperty("scope").GetProperty("dailyCalls").GetInt32());
    }

    [Fact]
    public async Task ScopeAndCapChanges_ThroughTheApiAndTheCli_ApplyOnTheNextCall()
    {
        var (user, owner) = await server.CreateUserAsync("scoped-change");
        var script = await CreateTokenAsync(user.Id, TokenScope.Unrestricted);
        using var asOwner = server.CreateClient(owner);
        using var asScript = server.CreateClient(script);
        Assert.Equal(HttpStatusCode.OK, (await asScript.ChatAsync(SecondModel)).StatusCode);
        var id = (await asOwner.GetFromJsonAsync<JsonElement>("/api/v1/tokens")).EnumerateArray()
            .Single(t => t.GetProperty("description").GetString() == "scoped").GetProperty("id").GetInt64();

        // The API: limit to stories260K with a cap of 2 (1 used already).
        using (var set = await asOwner.PutAsJsonAsync($"/api/v1/tokens/{id}/scope", new { models = new[] { TestAssets.StoriesId }, dailyCalls = 2 }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            var info = await set.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(1, info.GetProperty("usedToday").GetInt32());
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await asScript.ChatAsync(SecondModel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await asScript.ChatAsync()).StatusCode);
        using (var over = await asScript.ChatAsync())
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
            Assert.Contains("access token", (await over.ErrorAsync()).Message, StringComparison.Ordinal);
        }

        // A scoped token cannot lift its own limits.
        using (var selfService = await asScript.PutAsJsonAsync($"/api/v1/tokens/{id}/scope", new { models = (string[]?)null }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, selfService.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await asScript.PostAsJsonAsync("/api/v1/tokens", new { description = "escape" })).StatusCode);

        // The CLI, in another process: raise the cap, then widen the models; each applies to the very next call.
        Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, "token", "set", id.ToString(), "--daily", "3")).ExitCode);
        Assert.Equal(HttpStatusCode.OK, (await asScript.ChatAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asScript.ChatAsync(SecondModel)).StatusCode);
        Assert.Equal(0, (await Cli.RunAsync(server.DataPath, null, "token", "set", id.ToString(), "--models", "*", "--daily", "none")).ExitCode);
        using (var widened = await asScript.ChatAsync(SecondModel))
        {
            Assert.Equal(HttpStatusCode.OK, widened.StatusCode);
            Assert.Equal(string.Empty, widened.Header(QuotaResponses.TokenLimitHeader));
        }

        var list = await Cli.RunAsync(server.DataPath, null, "token", "list", "--user", "scoped-change");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(list.Stdout.Split('\n'), l => l.Contains("scoped", StringComparison.Ordinal) && l.Contains(" 4 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CliAndApi_RejectBadScopes_WithClearMessages()
    {
        var (user, owner) = await server.CreateUserAsync("scoped-bad");
        using var http = server.CreateClient(owner);
        using (var bad = await http.PostAsJsonAsync("/api/v1/tokens", new { description = "x", models = new[] { "not a model" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            Assert.Contains("'not a model'", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/v1/tokens", new { dailyCalls = -1 })).StatusCode);
        using (var created = await http.PostAsJsonAsync("/api/v1/tokens", new { description = "ok", models = new[] { "karpathy/*" }, dailyCalls = 5 }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var scope = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("info").GetProperty("scope");
            Assert.Equal("karpathy/*", scope.GetProperty("models")[0].GetString());
            Assert.Equal(5, scope.GetProperty("dailyCalls").GetInt32());
        }

        var cli = await Cli.RunAsync(server.DataPath, null, "token", "create", "--user", "scoped-bad", "--models", "a/b,c", "--daily", "10");
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("'c' is not a Model ID", cli.Stderr, StringComparison.Ordinal);
        var ok = await Cli.RunAsync(server.DataPath, null, "token", "create", "--user", "scoped-bad", "--models", "a/b,c/*", "--daily", "100");
        Assert.Equal(0, ok.ExitCode);
        var text = ok.Stdout.Trim();
        var check = await server.Services.GetRequiredService<ITokenService>().CheckAsync(text);
        Assert.Equal(["a/b", "c/*"], check.Scope.Models);
        Assert.Equal(100, check.Scope.DailyCalls);
        Assert.Equal(2, (await Cli.RunAsync(server.DataPath, null, "token", "set", "1", "--daily", "lots")).ExitCode);
        _ = user;
    }

    [Fact]
    public async Task Cli_RefusesWhatApiRefuses_ExpiryAndDescription_WithTheSameMessage()
    {
        var (user, owner) = await server.CreateUserAsync("rules");
        using var http = server.CreateClient(owner);
        using var api = await http.PostAsJsonAsync("/api/v1/tokens", new { description = "long", expiresDays = 5000 });
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        var problem = await api.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("expiresDays", problem.GetProperty("field").GetString());
        var message = problem.GetProperty("detail").GetString()!;
        Assert.Contains("1 to 3650 days", message, StringComparison.Ordinal);

        var cli = await Cli.RunAsync(server.DataPath, null, "token", "create", "--user", "rules", "--expires-days", "5000");
        Assert.Equal(2, cli.ExitCode);
        Assert.Equal($"--expires-days: {message}", cli.Stderr.Trim());
        Assert.Empty(cli.Stdout);

        var description = new string('d', TokenRules.MaxDescriptionLength + 1);
        using var longApi = await http.PostAsJsonAsync("/api/v1/tokens", new { description });
        Assert.Equal(HttpStatusCode.BadRequest, longApi.StatusCode);
        var longCli = await Cli.RunAsync(server.DataPath, null, "token", "create", "--user", "rules", "--description", description);
        Assert.Equal(2, longCli.ExitCode);
        Assert.Contains("limited to 200 characters", longCli.Stderr, StringComparison.Ordinal);
        var tokens = await server.Services.GetRequiredService<ITokenService>().ListAsync(user.Id);
        Assert.Equal("tests", Assert.Single(tokens).Description); // only the fixture's own token: nothing refused was made
    }

    [Fact]
    public async Task AnthropicClients_ListTheScopedModels_InAnthropicsShape_WithPaging()
    {
        var (user, _) = await server.CreateUserAsync("scoped-anthropic");
        var one = await CreateTokenAsync(user.Id, new TokenScope { Models = [TestAssets.StoriesId] });
        var owner = await CreateTokenAsync(user.Id, new TokenScope { Models = ["karpathy/*"] });
        global::Anthropic.AnthropicClient Client(string token) =>
            new() { ApiKey = token, BaseUrl = server.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 };

        var listed = await Client(one).Models.List();
        var only = Assert.Single(listed.Items);
        Assert.Equal((TestAssets.StoriesId, "model"), (only.ID, only.Type.ToString()));
        Assert.False(listed.HasNext());

        // Paging by cursor: one model a page, the second page after the first's id.
        var first = await Client(owner).Models.List(new global::Anthropic.Models.Models.ModelListParams { Limit = 1 });
        Assert.Single(first.Items);
        Assert.True(first.HasNext());
        var second = await first.Next();
        Assert.NotEqual(first.Items[0].ID, Assert.Single(second.Items).ID);
        Assert.False(second.HasNext());

        Assert.Equal(TestAssets.StoriesId, (await Client(one).Models.Retrieve(TestAssets.StoriesId)).ID);
        await Assert.ThrowsAsync<global::Anthropic.Exceptions.AnthropicForbiddenException>(() => Client(one).Models.Retrieve(SecondModel));
        await Assert.ThrowsAsync<global::Anthropic.Exceptions.AnthropicNotFoundException>(() => Client(one).Models.Retrieve("nobody/nothing"));

        // Errors in Anthropic's shape; OpenAI's clients (no anthropic-version) still get OpenAI's list.
        using var raw = server.CreateClient(owner);
        raw.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        using var bad = await raw.GetAsync("/v1/models?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var error = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("error", "invalid_request_error"), (error.GetProperty("type").GetString(), error.GetProperty("error").GetProperty("type").GetString()));
        using var openAi = server.CreateClient(owner);
        Assert.Equal("list", (await openAi.GetFromJsonAsync<JsonElement>("/v1/models")).GetProperty("object").GetString());
    }

    private async Task<string> CreateTokenAsync(long userId, TokenScope scope) =>
        (await server.Services.GetRequiredService<ITokenService>().CreateAsync(userId, "scoped", null, scope)).Text;
}
