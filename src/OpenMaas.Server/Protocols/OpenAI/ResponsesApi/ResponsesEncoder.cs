using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.OpenAI.ResponsesApi;

/// <summary>
/// OpenAI's Responses API. Streamed: <c>response.created</c>, <c>response.in_progress</c>; per output item (a
/// <c>reasoning</c> item, a <c>message</c>, each <c>function_call</c>) <c>response.output_item.added</c>, its part's
/// <c>…added</c>, its deltas (<c>response.reasoning_summary_text.delta</c>, <c>response.output_text.delta</c>,
/// <c>response.function_call_arguments.delta</c>), their <c>…done</c> events and <c>response.output_item.done</c>; then
/// <c>response.completed</c> or <c>response.incomplete</c>; every event numbered by <c>sequence_number</c>. A failure
/// after the first byte is an <c>error</c> event and <c>response.failed</c>. Collected: the <c>response</c> object.
/// The answer is handed to <paramref name="persist"/> (stored) before the client can see it complete.
/// </summary>
internal sealed class ResponsesEncoder(ResponseHead head, Func<byte[], CancellationToken, Task>? persist) : IGenerationEncoder, IStreamLifecycle
{
    private static readonly byte[] Created = "response.created"u8.ToArray();
    private static readonly byte[] InProgress = "response.in_progress"u8.ToArray();
    private static readonly byte[] ItemAdded = "response.output_item.added"u8.ToArray();
    private static readonly byte[] ItemDone = "response.output_item.done"u8.ToArray();
    private static readonly byte[] PartAdded = "response.content_part.added"u8.ToArray();
    private static readonly byte[] PartDone = "response.content_part.done"u8.ToArray();
    private static readonly byte[] TextDelta = "response.output_text.delta"u8.ToArray();
    private static readonly byte[] TextDone = "response.output_text.done"u8.ToArray();
    private static readonly byte[] SummaryPartAdded = "response.reasoning_summary_part.added"u8.ToArray();
    private static readonly byte[] SummaryPartDone = "response.reasoning_summary_part.done"u8.ToArray();
    private static readonly byte[] SummaryDelta = "response.reasoning_summary_text.delta"u8.ToArray();
    private static readonly byte[] SummaryDone = "response.reasoning_summary_text.done"u8.ToArray();
    private static readonly byte[] ArgumentsDelta = "response.function_call_arguments.delta"u8.ToArray();
    private static readonly byte[] ArgumentsDone = "response.function_call_arguments.done"u8.ToArray();
    private static readonly byte[] Completed = "response.completed"u8.ToArray();
    private static readonly byte[] Incomplete = "response.incomplete"u8.ToArray();
    private static readonly byte[] Failed = "response.failed"u8.ToArray();
    private static readonly byte[] ErrorEvent = "error"u8.ToArray();

    private readonly List<OutputItem> _done = [];

    private ResponseHead Head => head;
    private readonly StringBuilder _buffer = new();
    private OutputItem? _open;
    private int _toolIndex = -1;
    private int _sequence;

    /// <summary>The final response object (JSON), once the generation ended.</summary>
    public byte[]? Final { get; private set; }

    public void WriteStart(SseWriter sse, in GenerationChunk first)
    {
        Emit(sse, Created, this, static (w, s) => s.WriteResponse(w, "in_progress", [], null));
        Emit(sse, InProgress, this, static (w, s) => s.WriteResponse(w, "in_progress", [], null));
    }

    public void WriteText(SseWriter sse, string text)
    {
        if (_open?.Type != "message")
        {
            Open(sse, new OutputItem("message", ResponseIds.New("msg_")));
        }

        if (text.Length > 0)
        {
            _buffer.Append(text);
            Emit(sse, TextDelta, (Item: _open!.Id, Index: _done.Count, text), static (w, s) =>
            {
                w.WriteString("item_id", s.Item);
                w.WriteNumber("output_index", s.Index);
                w.WriteNumber("content_index", 0);
                w.WriteString("delta", s.text);
                w.WriteStartArray("logprobs");
                w.WriteEndArray();
            });
        }
    }

    public void WriteReasoning(SseWriter sse, string text)
    {
        if (_open?.Type != "reasoning")
        {
            Open(sse, new OutputItem("reasoning", ResponseIds.New("rs_")));
        }

        _buffer.Append(text);
        Emit(sse, SummaryDelta, (Item: _open!.Id, Index: _done.Count, text), static (w, s) =>
        {
            w.WriteString("item_id", s.Item);
            w.WriteNumber("output_index", s.Index);
            w.WriteNumber("summary_index", 0);
            w.WriteString("delta", s.text);
        });
    }

    public void WriteToolCall(SseWriter sse, ToolCallDelta delta)
    {
        if (_open?.Type != "function_call" || delta.Index != _toolIndex)
        {
            _toolIndex = delta.Index;
            Open(sse, new OutputItem("function_call", ResponseIds.New("fc_")) { CallId = delta.Id ?? $"call_{delta.Index}", Name = delta.Name ?? string.Empty });
        }

        if (delta.Arguments is { Length: > 0 } arguments)
        {
            _buffer.Append(arguments);
            Emit(sse, ArgumentsDelta, (Item: _open!.Id, Index: _done.Count, arguments), static (w, s) =>
            {
                w.WriteString("item_id", s.Item);
                w.WriteNumber("output_index", s.Index);
                w.WriteString("delta", s.arguments);
            });
        }
    }

    public async ValueTask BeforeEndAsync(GenerationEnd end, CancellationToken ct)
    {
        List<OutputItem> output = [.. _done];
        if (_open is not null)
        {
            output.Add(Filled(_open));
        }

        Final = ResponseWriter.ToBytes(head, Status(end), output, end);
        if (persist is not null)
        {
            await persist(Final, ct);
        }
    }

    public void WriteEnd(SseWriter sse, GenerationEnd end)
    {
        Close(sse);
        Emit(sse, end.Finish == FinishReason.Length ? Incomplete : Completed, (Self: this, end), static (w, s) => s.Self.WriteResponse(w, Status(s.end), s.Self._done, s.end));
    }

    public void WriteFailure(SseWriter sse, CallException error, string requestId)
    {
        Emit(sse, ErrorEvent, error, static (w, e) =>
        {
            w.WriteString("code", e.Code ?? OpenAIErrorWriter.TypeOf(e.Kind));
            w.WriteString("message", e.Message);
            if (e.Param is null)
            {
                w.WriteNull("param");
            }
            else
            {
                w.WriteString("param", e.Param);
            }
        });
        Emit(sse, Failed, (Self: this, error), static (w, s) =>
        {
            w.WritePropertyName("response");
            ResponseWriter.Write(w, s.Self.Head, "failed", s.Self._done, null, s.error);
        });
    }

    public IResult ToResult(GenerationResult result)
    {
        var output = new List<OutputItem>();
        if (result.Reasoning is { Length: > 0 } reasoning)
        {
            output.Add(new OutputItem("reasoning", ResponseIds.New("rs_")) { Text = reasoning });
        }

        if (result.Text.Length > 0 || result.ToolCalls.Count == 0)
        {
            output.Add(new OutputItem("message", ResponseIds.New("msg_")) { Text = result.Text });
        }

        output.AddRange(result.ToolCalls.Select(c => new OutputItem("function_call", ResponseIds.New("fc_")) { CallId = c.Id, Name = c.Name, Arguments = c.Arguments }));
        Final = ResponseWriter.ToBytes(head, Status(result.End), output, result.End);
        return TypedResults.Bytes(Final, "application/json");
    }

    private static string Status(GenerationEnd end) => end.Finish == FinishReason.Length ? "incomplete" : "completed";

    private void WriteResponse(Utf8JsonWriter w, string status, IReadOnlyList<OutputItem> output, GenerationEnd? end)
    {
        w.WritePropertyName("response");
        ResponseWriter.Write(w, head, status, output, end);
    }

    private OutputItem Filled(OutputItem item) => item.Type == "function_call" ? item with { Arguments = _buffer.ToString() } : item with { Text = _buffer.ToString() };

    private void Open(SseWriter sse, OutputItem item)
    {
        Close(sse);
        _open = item;
        _buffer.Clear();
        var index = _done.Count;
        Emit(sse, ItemAdded, (item, index), static (w, s) =>
        {
            w.WriteNumber("output_index", s.index);
            w.WritePropertyName("item");
            ResponseWriter.WriteItem(w, s.item, "in_progress");
        });
        if (item.Type == "message")
        {
            Emit(sse, PartAdded, (item.Id, index), static (w, s) =>
            {
                WritePosition(w, s.Id, s.index);
                w.WritePropertyName("part");
                ResponseWriter.WriteTextPart(w, string.Empty);
            });
        }
        else if (item.Type == "reasoning")
        {
            Emit(sse, SummaryPartAdded, (item.Id, index), static (w, s) =>
            {
                WriteSummaryPosition(w, s.Id, s.index);
                w.WritePropertyName("part");
                ResponseWriter.WriteSummaryPart(w, string.Empty);
            });
        }
    }

    private void Close(SseWriter sse)
    {
        if (_open is null)
        {
            return;
        }

        var item = Filled(_open);
        var index = _done.Count;
        _open = null;
        switch (item.Type)
        {
            case "message":
                Emit(sse, TextDone, (item, index), static (w, s) =>
                {
                    WritePosition(w, s.item.Id, s.index);
                    w.WriteString("text", s.item.Text);
                    w.WriteStartArray("logprobs");
                    w.WriteEndArray();
                });
                Emit(sse, PartDone, (item, index), static (w, s) =>
                {
                    WritePosition(w, s.item.Id, s.index);
                    w.WritePropertyName("part");
                    ResponseWriter.WriteTextPart(w, s.item.Text);
                });
                break;
            case "reasoning":
                Emit(sse, SummaryDone, (item, index), static (w, s) =>
                {
                    WriteSummaryPosition(w, s.item.Id, s.index);
                    w.WriteString("text", s.item.Text);
                });
                Emit(sse, SummaryPartDone, (item, index), static (w, s) =>
                {
                    WriteSummaryPosition(w, s.item.Id, s.index);
                    w.WritePropertyName("part");
                    ResponseWriter.WriteSummaryPart(w, s.item.Text);
                });
                break;
            default:
                Emit(sse, ArgumentsDone, (item, index), static (w, s) =>
                {
                    w.WriteString("item_id", s.item.Id);
                    w.WriteNumber("output_index", s.index);
                    w.WriteString("name", s.item.Name);
                    w.WriteString("arguments", s.item.Arguments);
                });
                break;
        }

        Emit(sse, ItemDone, (item, index), static (w, s) =>
        {
            w.WriteNumber("output_index", s.index);
            w.WritePropertyName("item");
            ResponseWriter.WriteItem(w, s.item, "completed");
        });
        _done.Add(item);
    }

    private static void WritePosition(Utf8JsonWriter w, string itemId, int index)
    {
        w.WriteString("item_id", itemId);
        w.WriteNumber("output_index", index);
        w.WriteNumber("content_index", 0);
    }

    private static void WriteSummaryPosition(Utf8JsonWriter w, string itemId, int index)
    {
        w.WriteString("item_id", itemId);
        w.WriteNumber("output_index", index);
        w.WriteNumber("summary_index", 0);
    }

    /// <summary>Buffers one event: <c>event: TYPE</c>, then <c>{"type","sequence_number",…}</c>.</summary>
    private void Emit<T>(SseWriter sse, byte[] name, T state, Action<Utf8JsonWriter, T> body) =>
        sse.Event(name, (name, Sequence: _sequence++, state, body), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", s.name);
            w.WriteNumber("sequence_number", s.Sequence);
            s.body(w, s.state);
            w.WriteEndObject();
        });
}
