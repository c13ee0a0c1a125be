using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

/// <summary>Real clients over the limit: the `openai` npm package throws RateLimitError and the OpenAI .NET SDK a
/// 429 ClientResultException, both with our message.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class QuotaClientTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task OpenAINpmClient_SurfacesTheQuotaAsRateLimitError()
    {
        var (user, token) = await server.CreateUserAsync("npm-client");
        await server.SetLimitAsync(user.Id, null, 1);
        var (exit, output) = await Node.RunAsync("quota-429.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = server.V1.ToString().TrimEnd('/'),
            ["API_KEY"] = token,
            ["MODEL"] = TestAssets.StoriesId,
        }, TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, output);
        Assert.Contains("QUOTA OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAIDotNetSdk_SurfacesTheQuotaAs429WithOurMessage()
    {
        var (user, token) = await server.CreateUserAsync("sdk-client");
        await server.SetLimitAsync(user.Id, TestAssets.StoriesId, 1);
        var chat = new OpenAIClient(new ApiKeyCredential(token), new OpenAIClientOptions { Endpoint = server.V1, RetryPolicy = new ClientRetryPolicy(maxRetries: 0) }).GetChatClient(TestAssets.StoriesId);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 1 };
        await chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], options);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], options));
        Assert.Equal(429, error.Status);
        Assert.Contains("model_daily_quota_exceeded", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Daily quota for model {TestAssets.StoriesId} exceeded: you have used all 1 calls allowed per day for this model. It resets at ", error.Message, StringComparison.Ordinal);
        Assert.Contains(" 00:00 +08:00.", error.Message, StringComparison.Ordinal);
    }
}
