using System.Buffers;
using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Anthropic;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Tests.Anthropic;

public sealed class MessagesWireTests
{
    [Fact]
    public void Response_HasAnthropicsShape()
    {
        var response = MessagesMapping.ToResponse("msg_1", "a/b", "Hello", new GenerationChunk("", FinishReason.Stop, 5, 2));
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
        var response = MessagesMapping.ToResponse("msg_1", "a/b", "x", new GenerationChunk("", finish, 1, 1, matched));
        Assert.Equal((reason, sequence), (response.StopReason, response.StopSequence));
    }

    [Fact]
    public void Events_FollowAnthropicsSequence()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var events = new MessagesEvents(buffer))
        {
            events.MessageStart("msg_1", "a/b", 5);
            events.ContentBlockStart();
            events.Ping();
            events.TextDelta("Once");
            events.TextDelta(" upon");
            events.ContentBlockStop();
            events.MessageDelta("max_tokens", null, 2);
            events.MessageStop();
        }

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
            data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":2}}

            event: message_stop
            data: {"type":"message_stop"}


            """.ReplaceLineEndings("\n"), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void ErrorEvent_CarriesTheErrorShape()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var events = new MessagesEvents(buffer))
        {
            events.Error("api_error", "The model failed while generating.");
        }

        Assert.Equal("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"The model failed while generating.\"}}\n\n",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
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
