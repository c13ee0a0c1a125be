using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Upstream;

/// <summary>The Responses API on a model served by an engine: translated to the engine's chat completions (the typed
/// path), its answer and usage in a response object or in typed events.</summary>
[Trait("Category", "Slow")]
public sealed class UpstreamResponsesTests
{
    [Fact]
    public async Task Responses_OnAnEngine_UseItsChatCompletions_StreamedAndNot()
    {
        await using var engine = await StubEngine.StartAsync();
        var gateway = await StubGateway.StartAsync([engine]);
        try
        {
            using var http = gateway.CreateClient();
            var whole = await http.PostAsJsonAsync("/v1/responses", new { model = StubGateway.ModelId, input = "hi", instructions = "Be brief." });
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            var response = await whole.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("completed", response.GetProperty("status").GetString());
            Assert.Equal("Hello from stub.", response.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
            Assert.Equal((5, 3, 8), (
                response.GetProperty("usage").GetProperty("input_tokens").GetInt32(),
                response.GetProperty("usage").GetProperty("output_tokens").GetInt32(),
                response.GetProperty("usage").GetProperty("total_tokens").GetInt32()));

            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses")
            {
                Content = JsonContent.Create(new { model = StubGateway.ModelId, input = "hi", stream = true }),
            };
            using var streamed = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var text = new System.Text.StringBuilder();
            string? last = null;
            await foreach (var data in Sse.ReadDataAsync(streamed))
            {
                var root = JsonDocument.Parse(data).RootElement;
                last = root.GetProperty("type").GetString();
                if (last == "response.output_text.delta")
                {
                    text.Append(root.GetProperty("delta").GetString());
                }
            }

            Assert.Equal("Hello from stub.", text.ToString());
            Assert.Equal("response.completed", last);
            Assert.Equal(2, engine.Calls);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
