using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Functional;

[Trait("Category", "Slow")]
public sealed class ConcurrencyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static HttpRequestMessage StreamRequest(int maxTokens, bool ignoreEos = false) => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = JsonContent.Create(new
        {
            model = TestAssets.StoriesId, messages = new[] { new { role = "user", content = "Once upon a time" } },
            max_tokens = maxTokens, temperature = 0, stream = true, ignore_eos = ignoreEos,
        }),
    };

    [Fact]
    public async Task SixteenConcurrentStreams_AllGiveTheLoneGreedyText()
    {
        using var http = server.CreateClient();
        using var lone = await http.SendAsync(StreamRequest(60), HttpCompletionOption.ResponseHeadersRead);
        var expected = (await Sse.CollectAsync(lone)).Text;
        Assert.StartsWith(TestAssets.StoriesGreedy40, expected);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var response = await http.SendAsync(StreamRequest(60), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await Sse.CollectAsync(response);
        }));

        Assert.All(results, r =>
        {
            Assert.True(r.Done);
            Assert.Equal(expected, r.Text);
        });
    }
}
