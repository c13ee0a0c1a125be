using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Protocols.OpenAI;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Tests.OpenAI;

/// <summary>The OpenAI wire mappers alone: chunk shapes of chat and text completions, the SSE framing, the error envelope.</summary>
public sealed class WireFormatTests
{
    private static readonly CompletionIds Ids = new("chatcmpl-1", 1700000000, "a/b");

    /// <summary>The events an encoder writes, each as JSON (<c>[DONE]</c> as null).</summary>
    private static List<JsonElement?> Events(Action<SseWriter> write)
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        using (var sse = new SseWriter(http.Response))
        {
            write(sse);
            sse.FlushAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return [.. Encoding.UTF8.GetString(body.ToArray()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e["data: ".Length..]).Select(d => d == "[DONE]" ? (JsonElement?)null : JsonDocument.Parse(d).RootElement.Clone())];
    }

    [Fact]
    public void ChatChunk_FirstCarriesTheRole_LastTheFinishReason_ThenUsageAndDone()
    {
        var encoder = new ChatEncoder(Ids, includeUsage: true);
        var events = Events(sse =>
        {
            encoder.WriteText(sse, "Once");
            encoder.WriteText(sse, " upon");
            encoder.WriteEnd(sse, new GenerationEnd(FinishReason.Length, null, 3, 2));
        });
        Assert.Equal(5, events.Count);
        var first = events[0]!.Value;
        Assert.Equal("chat.completion.chunk", first.GetProperty("object").GetString());
        Assert.Equal(("chatcmpl-1", 1700000000, "a/b"), (first.GetProperty("id").GetString(), first.GetProperty("created").GetInt64(), first.GetProperty("model").GetString()));
        var delta = first.GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal(("assistant", "Once"), (delta.GetProperty("role").GetString(), delta.GetProperty("content").GetString()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        Assert.False(events[1]!.Value.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("role", out _));

        var last = events[2]!.Value.GetProperty("choices")[0];
        Assert.False(last.GetProperty("delta").TryGetProperty("content", out _));
        Assert.Equal("length", last.GetProperty("finish_reason").GetString());
        Assert.Equal(5, events[3]!.Value.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Null(events[4]);
    }

    [Fact]
    public void ChatChunk_KeepsReasoningApart_AndStreamsToolCallFragments()
    {
        var encoder = new ChatEncoder(Ids, includeUsage: false);
        var events = Events(sse =>
        {
            encoder.WriteReasoning(sse, "think");
            encoder.WriteToolCall(sse, new ToolCallDelta(0, "call_1", "get_weather", "{\"city\":"));
            encoder.WriteToolCall(sse, new ToolCallDelta(0, null, null, "\"Paris\"}"));
            encoder.WriteEnd(sse, new GenerationEnd(FinishReason.ToolCalls, null, 3, 2));
        });
        var reasoning = events[0]!.Value.GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("think", reasoning.GetProperty("reasoning_content").GetString());
        Assert.False(reasoning.TryGetProperty("content", out _));
        var call = events[1]!.Value.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal((0, "call_1", "function", "get_weather"), (call.GetProperty("index").GetInt32(), call.GetProperty("id").GetString(), call.GetProperty("type").GetString(), call.GetProperty("function").GetProperty("name").GetString()));
        var more = events[2]!.Value.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.False(more.TryGetProperty("id", out _));
        Assert.Equal("\"Paris\"}", more.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", events[3]!.Value.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void TextChunk_HasTextAndTheTextCompletionObject()
    {
        var encoder = new TextCompletionEncoder(Ids, includeUsage: false);
        var events = Events(sse =>
        {
            encoder.WriteText(sse, " upon");
            encoder.WriteEnd(sse, new GenerationEnd(FinishReason.Stop, null, 1, 1));
        });
        var chunk = events[0]!.Value;
        Assert.Equal("text_completion", chunk.GetProperty("object").GetString());
        Assert.Equal(" upon", chunk.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("stop", events[1]!.Value.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Null(events[2]);
    }

    [Fact]
    public async Task SseWriter_FramesEachEvent_AndSendsOnlyOnFlush_ThenDone()
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        using var sse = new SseWriter(http.Response);
        sse.Start();
        Assert.Equal("text/event-stream; charset=utf-8", http.Response.ContentType);
        sse.Data("1", (w, s) => { w.WriteStartObject(); w.WriteString("n", s); w.WriteEndObject(); });
        sse.Event("named"u8, "2", (w, s) => { w.WriteStartObject(); w.WriteString("n", s); w.WriteEndObject(); });
        Assert.Equal(0, body.Length); // buffered until the flush
        await sse.FlushAsync(CancellationToken.None);
        sse.Done();
        await sse.FlushAsync(CancellationToken.None);
        Assert.Equal("data: {\"n\":\"1\"}\n\nevent: named\ndata: {\"n\":\"2\"}\n\ndata: [DONE]\n\n", Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task ErrorWriter_WritesTheEnvelope_KeepsHeadersSetBefore_AndAddsRetryAfter()
    {
        var http = new DefaultHttpContext { TraceIdentifier = "req-1" };
        var body = new MemoryStream();
        http.Response.Body = body;
        http.Response.Headers["modelscope-ratelimit-requests-limit"] = "5";
        await OpenAIErrorWriter.Instance.WriteAsync(http, new CallException(429, CallErrorKind.RateLimit, "over", code: "daily_quota_exceeded") { RetryAfterSeconds = 60 });

        Assert.Equal(429, http.Response.StatusCode);
        Assert.Equal("60", http.Response.Headers.RetryAfter.ToString());
        Assert.Equal("5", http.Response.Headers["modelscope-ratelimit-requests-limit"].ToString());
        var root = JsonDocument.Parse(body.ToArray()).RootElement;
        var error = root.GetProperty("error");
        Assert.Equal(("over", "rate_limit_exceeded", "daily_quota_exceeded"), (error.GetProperty("message").GetString(), error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Equal("req-1", root.GetProperty("request_id").GetString());
    }

    [Theory]
    [InlineData("""{"model":"a/b","prompt":7}""", "prompt must be a string or an array of strings")]
    [InlineData("""{"model":"a/b","prompt":["x",1]}""", "prompt must be a string or an array of strings")]
    public async Task CompletionPrompt_OfTheWrongType_IsBlamedOnPrompt(string json, string message)
    {
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        http.Request.ContentType = "application/json";
        var e = await Assert.ThrowsAsync<CallException>(async () => await JsonBodyReader.ReadAsync(http, OpenAIJson.Default.CompletionRequest, FieldPathStyle.Brackets));
        Assert.Equal("prompt", e.Param);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("stop", e.Message, StringComparison.Ordinal);
    }
}
