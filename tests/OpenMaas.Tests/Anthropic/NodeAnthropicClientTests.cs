using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Anthropic;

/// <summary>The official npm Anthropic client and the AI SDK's Anthropic provider, unchanged (tests/node/anthropic-flow.mjs).</summary>
[Trait("Category", "Slow")]
public sealed class NodeAnthropicClientTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task AnthropicSdkAndAiSdkProvider_WorkWithOnlyABaseUrlAndAToken()
    {
        var (user, limited) = await server.CreateUserAsync("node-anthropic-limited");
        await server.SetLimitAsync(user.Id, null, 1);
        var (exit, output) = await Node.RunAsync("anthropic-flow.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = server.BaseAddress.ToString().TrimEnd('/'),
            ["API_KEY"] = server.ApiKey,
            ["LIMITED_KEY"] = limited,
            ["MODEL"] = TestAssets.StoriesId,
            ["EXPECTED"] = TestAssets.StoriesGreedy40,
        });
        Assert.True(exit == 0, output);
        Assert.Contains("anthropic clients ok", output, StringComparison.Ordinal);
    }
}
