using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Protocols.Anthropic;
using Microsoft.AspNetCore.Http;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Tests.Anthropic;

public sealed class MessagesWireTests
{
    [Fact]
    public void Response_HasAnthropicsShape()
    {
        var response = MessagesMapping.ToResponse("msg_1", "a/b", new GenerationResult("Hello", null, [], new GenerationEnd(FinishReason.Stop, null, 5, 2)));
        var json = JsonSerializer.Serialize(response, AnthropicJson.Default.MessagesResponse);
        Assert.Equal(
            """{"type":"message","role":"assistant","id":"msg_1","model":"a/b","content":[{"type":"text","text":"Hello"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":2}}""",
            json);
    }

    [Theory]
    [InlineData(FinishReason.Length, null, "max_tokens", null)]
    [InlineData(FinishReason.Stop, null, "end_turn", null)]
    [InlineData(FinishReason.Stop, "\n\n", "stop_sequence", "\n\n")]
    public void StopReason_FollowsTheFinish(FinishReason finish, string? matched, string reason, string? sequence)
    {
        var response = MessagesMapping.ToResponse("msg_1", "a/b", new GenerationResult("x", null, [], GenerationEnd.From(new GenerationChunk("", finish, 1, 1, matched))));
        Assert.Equal((reason, sequence), (response.StopReason, response.StopSequence));
    }

    [Fact]
    public void Response_HasThinkingTextAndToolUseBlocks_WithToolUseStop()
    {
        var response = MessagesMapping.ToResponse("msg_1", "a/b", new GenerationResult("", "hmm", [new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")], new GenerationEnd(FinishReason.ToolCalls, null, 5, 2)));
        var json = JsonSerializer.Serialize(response, AnthropicJson.Default.MessagesResponse);
        Assert.Contains("""
            "content":[{"type":"thinking","thinking":"hmm"},{"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}],"stop_reason":"tool_use"
            """.Trim(), json, StringComparison.Ordinal);
    }

    private static string Stream(Action<MessagesEncoder, SseWriter> write)
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        using (var sse = new SseWriter(http.Response))
        {
            write(new MessagesEncoder("msg_1", "a/b"), sse);
            sse.FlushAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return Encoding.UTF8.GetString(body.ToArray());
    }

    [Fact]
    public void Events_FollowAnthropicsSequence()
    {
        var text = Stream((e, sse) =>
        {
            e.WriteStart(sse, new GenerationChunk("Once", null, 5, 1));
            e.WriteText(sse, "Once");
            e.WriteText(sse, " upon");
            e.WriteEnd(sse, new GenerationEnd(FinishReason.Length, null, 5, 2));
        });

        Assert.Equal("""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"a/b","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":0}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type":"ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Once"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" upon"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":5,"output_tokens":2}}

            event: message_stop
            data: {"type":"message_stop"}


            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Events_OpenOneBlockPerPart_ThinkingThenToolUse()
    {
        var text = Stream((e, sse) =>
        {
            e.WriteStart(sse, new GenerationChunk("", null, 5, 1));
            e.WriteReasoning(sse, "hmm");
            e.WriteToolCall(sse, new ToolCallDelta(0, "call_1", "get_weather", "{\"city\":"));
            e.WriteToolCall(sse, new ToolCallDelta(0, null, null, "\"Paris\"}"));
            e.WriteToolCall(sse, new ToolCallDelta(1, "call_2", "get_time", "{}"));
            e.WriteEnd(sse, new GenerationEnd(FinishReason.ToolCalls, null, 5, 9));
        });
        var types = text.Split("\n").Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l[7..]);
        Assert.Equal(
            ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            types);
        Assert.Contains("\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}", text, StringComparison.Ordinal);
        Assert.Contains("\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}", text, StringComparison.Ordinal);
        Assert.Contains("\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"get_weather\",\"input\":{}}", text, StringComparison.Ordinal);
        Assert.Contains("\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_2\"", text, StringComparison.Ordinal);
        Assert.Contains("\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\u0022Paris\\u0022}\"}", text, StringComparison.Ordinal);
        Assert.Contains("\"stop_reason\":\"tool_use\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorEvent_CarriesTheErrorShape()
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        using (var sse = new SseWriter(http.Response))
        {
            AnthropicErrorWriter.Instance.WriteStreamError(sse, CallException.InferenceFailed(), "req-1");
            await sse.FlushAsync(CancellationToken.None);
        }

        Assert.Equal("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"The model failed while generating.\"}}\n\n",
            Encoding.UTF8.GetString(body.ToArray()));
    }

    [Theory]
    [InlineData(400, 400, "invalid_request_error")]
    [InlineData(401, 401, "authentication_error")]
    [InlineData(403, 403, "permission_error")]
    [InlineData(404, 404, "not_found_error")]
    [InlineData(413, 413, "request_too_large")]
    [InlineData(429, 429, "rate_limit_error")]
    [InlineData(500, 500, "api_error")]
    [InlineData(503, 529, "overloaded_error")]
    public void Statuses_MapToAnthropicsTypes(int status, int anthropicStatus, string type)
    {
        Assert.Equal(type, AnthropicErrorTypes.ForStatus(status));
        Assert.Equal(anthropicStatus, AnthropicErrorTypes.StatusFor(status));
    }

    [Fact]
    public void ErrorBody_HasAnthropicsShape() =>
        Assert.Equal("""{"type":"error","error":{"type":"not_found_error","message":"no"}}""",
            JsonSerializer.Serialize(AnthropicErrorWriter.Body(new CallException(404, CallErrorKind.InvalidRequest, "no")), AnthropicJson.Default.AnthropicErrorResponse));
}
