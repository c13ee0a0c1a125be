using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Functional;

/// <summary>The `openai` npm package (Cherry Studio's client) runs the list / chat / stream / completion flow.</summary>
[Trait("Category", "Slow")]
public sealed class NodeOpenAIClientTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task OpenAINpmClient_RunsTheWholeFlow()
    {
        var (exit, output) = await Node.RunAsync("openai-flow.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = server.V1.ToString().TrimEnd('/'),
            ["API_KEY"] = server.ApiKey,
            ["MODEL"] = TestAssets.StoriesId,
            ["EXPECTED"] = TestAssets.StoriesGreedy40,
        });
        Assert.True(exit == 0, output);
        Assert.Contains("SUMMARY OK", output);
    }
}
