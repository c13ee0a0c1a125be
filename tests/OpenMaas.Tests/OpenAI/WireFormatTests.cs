using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.OpenAI;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Tests.OpenAI;

/// <summary>The OpenAI wire mappers alone: chunk shapes of chat and text completions, the SSE framing, the error envelope.</summary>
public sealed class WireFormatTests
{
    private static readonly CompletionIds Ids = new("chatcmpl-1", 1700000000, "a/b");

    private static JsonElement Chunk(ICompletionFormat format, string? text, bool first, FinishReason? finish)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            format.WriteChunk(w, Ids, text, first, finish);
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void ChatChunk_FirstCarriesTheRole_LastTheFinishReason()
    {
        var first = Chunk(ChatFormat.Instance, "Once", first: true, finish: null);
        Assert.Equal("chat.completion.chunk", first.GetProperty("object").GetString());
        Assert.Equal(("chatcmpl-1", 1700000000, "a/b"), (first.GetProperty("id").GetString(), first.GetProperty("created").GetInt64(), first.GetProperty("model").GetString()));
        var delta = first.GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal(("assistant", "Once"), (delta.GetProperty("role").GetString(), delta.GetProperty("content").GetString()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);

        var last = Chunk(ChatFormat.Instance, null, first: false, finish: FinishReason.Length);
        var choice = last.GetProperty("choices")[0];
        Assert.False(choice.GetProperty("delta").TryGetProperty("content", out _));
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void TextChunk_HasTextAndTheTextCompletionObject()
    {
        var chunk = Chunk(TextFormat.Instance, " upon", first: true, finish: FinishReason.Stop);
        Assert.Equal("text_completion", chunk.GetProperty("object").GetString());
        Assert.Equal(" upon", chunk.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("stop", chunk.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task SseWriter_FramesEachEvent_AndSendsOnlyOnFlush_ThenDone()
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        using var sse = new SseWriter(http.Response);
        sse.StartStream();
        Assert.Equal("text/event-stream; charset=utf-8", http.Response.ContentType);
        sse.WriteEvent((w, s) => { w.WriteStartObject(); w.WriteString("n", s); w.WriteEndObject(); }, "1");
        sse.WriteEvent((w, s) => { w.WriteStartObject(); w.WriteString("n", s); w.WriteEndObject(); }, "2");
        Assert.Equal(0, body.Length); // buffered until the flush
        await sse.FlushAsync(CancellationToken.None);
        await sse.WriteDoneAsync(CancellationToken.None);
        Assert.Equal("data: {\"n\":\"1\"}\n\ndata: {\"n\":\"2\"}\n\ndata: [DONE]\n\n", Encoding.UTF8.GetString(body.ToArray()));
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
        var e = await Assert.ThrowsAsync<CallException>(async () => await RequestReader.ReadAsync(http, OpenAIJson.Default.CompletionRequest));
        Assert.Equal("prompt", e.Param);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("stop", e.Message, StringComparison.Ordinal);
    }
}
