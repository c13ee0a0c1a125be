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

/// <summary>A function-tool round trip on the Responses API through a scripted engine: the engine's tool call comes back
/// as a <c>function_call</c> item; its output, sent on the stored conversation, reaches the engine; the engine answers.</summary>
[Trait("Category", "Slow")]
public sealed class ResponsesToolRoundTripTests
{
    [Fact]
    public async Task FunctionCall_ThenItsOutput_ThenTheAnswer()
    {
        await using var engine = await ScriptedToolEngine.StartAsync();
        var gateway = await ScriptedToolEngine.Gateway.StartAsync(engine);
        try
        {
            using var http = gateway.CreateClient();
            var tools = new[] { new { type = "function", name = "get_weather", parameters = new { type = "object", properties = new { city = new { type = "string" } } } } };
            var call = await (await http.PostAsJsonAsync("/v1/responses", new { model = ScriptedToolEngine.Gateway.ModelId, input = "Weather in Paris?", tools }))
                .Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("completed", call.GetProperty("status").GetString());
            var item = Assert.Single(call.GetProperty("output").EnumerateArray());
            Assert.Equal(("function_call", ScriptedToolEngine.CallId, "get_weather", "{\"city\":\"Paris\"}"), (
                item.GetProperty("type").GetString(), item.GetProperty("call_id").GetString(),
                item.GetProperty("name").GetString(), item.GetProperty("arguments").GetString()));
            Assert.Equal("get_weather", call.GetProperty("tools")[0].GetProperty("name").GetString());

            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses")
            {
                Content = JsonContent.Create(new
                {
                    model = ScriptedToolEngine.Gateway.ModelId,
                    previous_response_id = call.GetProperty("id").GetString(),
                    input = new object[] { new { type = "function_call_output", call_id = ScriptedToolEngine.CallId, output = "22C" } },
                    tools,
                    stream = true,
                }),
            };
            using var streamed = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var text = new System.Text.StringBuilder();
            JsonElement? final = null;
            await foreach (var data in Sse.ReadDataAsync(streamed))
            {
                var root = JsonDocument.Parse(data).RootElement;
                switch (root.GetProperty("type").GetString())
                {
                    case "response.output_text.delta":
                        text.Append(root.GetProperty("delta").GetString());
                        break;
                    case "response.completed":
                        final = root.GetProperty("response").Clone();
                        break;
                }
            }

            Assert.Equal(ScriptedToolEngine.Answer, text.ToString());
            Assert.Equal(18, final!.Value.GetProperty("usage").GetProperty("total_tokens").GetInt32());
            // The engine got the tools, then the whole conversation as OpenAI chat: the question, its own call as the
            // assistant's tool_calls, and the call's output as a tool message answering it.
            var first = JsonDocument.Parse(engine.Bodies[0]).RootElement;
            Assert.Equal("get_weather", first.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
            var messages = JsonDocument.Parse(engine.Bodies[^1]).RootElement.GetProperty("messages");
            Assert.Equal("Weather in Paris?", messages[0].GetProperty("content").GetString());
            var sent = messages[1].GetProperty("tool_calls")[0];
            Assert.Equal((ScriptedToolEngine.CallId, "get_weather", "{\"city\":\"Paris\"}"), (sent.GetProperty("id").GetString(),
                sent.GetProperty("function").GetProperty("name").GetString(), sent.GetProperty("function").GetProperty("arguments").GetString()));
            Assert.Equal(("tool", ScriptedToolEngine.CallId, "22C"), (messages[2].GetProperty("role").GetString(),
                messages[2].GetProperty("tool_call_id").GetString(), messages[2].GetProperty("content").GetString()));
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
