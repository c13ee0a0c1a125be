using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.OpenAI.ResponsesApi;

/// <summary>Ids in OpenAI's style: a prefix (<c>resp_</c>, <c>msg_</c>, <c>fc_</c>, <c>rs_</c>) and 48 hex digits.</summary>
internal static class ResponseIds
{
    public static string New(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}

/// <summary>One item of a response's <c>output</c>: a <c>message</c> (its <c>output_text</c>), a <c>function_call</c>
/// or a <c>reasoning</c> item (its summary text).</summary>
internal sealed record OutputItem(string Type, string Id)
{
    public string Text { get; init; } = string.Empty;

    public string? CallId { get; init; }

    public string? Name { get; init; }

    public string Arguments { get; init; } = string.Empty;

    /// <summary>The item as the next call's conversation sees it; null for reasoning.</summary>
    public ConversationItem? ToConversation() => Type switch
    {
        "message" => new ConversationItem { Type = "message", Id = Id, Role = "assistant", Text = Text },
        "function_call" => new ConversationItem { Type = "function_call", Id = Id, CallId = CallId, Name = Name, Arguments = Arguments },
        _ => null,
    };
}

/// <summary>What a response object says besides its output: its id, time, model and the request's settings.</summary>
internal sealed record ResponseHead(string Id, long CreatedAt, string Model, ValidatedResponses Request);

/// <summary>Writes the Responses API's objects (the <c>response</c>, its output items, input items) as OpenAI defines
/// them.</summary>
internal static class ResponseWriter
{
    /// <summary>The response object. <paramref name="end"/> gives the usage (null while in progress).</summary>
    public static void Write(Utf8JsonWriter w, ResponseHead head, string status, IReadOnlyList<OutputItem> output, GenerationEnd? end, CallException? error = null)
    {
        var r = head.Request;
        w.WriteStartObject();
        w.WriteString("id", head.Id);
        w.WriteString("object", "response");
        w.WriteNumber("created_at", head.CreatedAt);
        w.WriteString("status", status);
        w.WriteBoolean("background", false);
        if (error is null)
        {
            w.WriteNull("error");
        }
        else
        {
            w.WriteStartObject("error");
            w.WriteString("code", error.Code ?? "server_error");
            w.WriteString("message", error.Message);
            w.WriteEndObject();
        }

        if (status == "incomplete")
        {
            w.WriteStartObject("incomplete_details");
            w.WriteString("reason", "max_output_tokens");
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("incomplete_details");
        }

        WriteNullable(w, "instructions", r.Instructions);
        if (r.MaxOutputTokens is { } max)
        {
            w.WriteNumber("max_output_tokens", max);
        }
        else
        {
            w.WriteNull("max_output_tokens");
        }

        w.WriteString("model", head.Model);
        w.WriteStartArray("output");
        foreach (var item in output)
        {
            WriteItem(w, item, "completed");
        }

        w.WriteEndArray();
        w.WriteBoolean("parallel_tool_calls", r.ParallelToolCalls);
        WriteNullable(w, "previous_response_id", r.PreviousResponseId);
        w.WriteStartObject("reasoning");
        WriteNullable(w, "effort", r.ReasoningEffort);
        w.WriteNull("summary");
        w.WriteEndObject();
        w.WriteString("service_tier", "default");
        w.WriteBoolean("store", r.Store);
        w.WriteNumber("temperature", r.Sampling.Temperature);
        w.WritePropertyName("text");
        if (r.Text is { } text && text.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.Object)
        {
            w.WriteStartObject();
            w.WritePropertyName("format");
            format.WriteTo(w);
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartObject();
            w.WriteStartObject("format");
            w.WriteString("type", "text");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WritePropertyName("tool_choice");
        if (r.ToolChoice is { } choice)
        {
            choice.WriteTo(w);
        }
        else
        {
            w.WriteStringValue("auto");
        }

        w.WritePropertyName("tools");
        if (r.Tools is { } tools)
        {
            tools.WriteTo(w);
        }
        else
        {
            w.WriteStartArray();
            w.WriteEndArray();
        }

        w.WriteNumber("top_p", r.Sampling.TopP);
        w.WriteString("truncation", r.Truncation);
        if (end is { } e)
        {
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", e.PromptTokens);
            w.WriteStartObject("input_tokens_details");
            w.WriteNumber("cached_tokens", 0);
            w.WriteEndObject();
            w.WriteNumber("output_tokens", e.CompletionTokens);
            w.WriteStartObject("output_tokens_details");
            w.WriteNumber("reasoning_tokens", 0);
            w.WriteEndObject();
            w.WriteNumber("total_tokens", e.PromptTokens + e.CompletionTokens);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("usage");
        }

        WriteNullable(w, "user", r.User);
        w.WriteStartObject("metadata");
        foreach (var (key, value) in r.Metadata)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The response object as UTF-8 JSON bytes.</summary>
    public static byte[] ToBytes(ResponseHead head, string status, IReadOnlyList<OutputItem> output, GenerationEnd end)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, head, status, output, end);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One output item; <paramref name="status"/> is <c>in_progress</c> while it streams.</summary>
    public static void WriteItem(Utf8JsonWriter w, OutputItem item, string status)
    {
        var done = status == "completed";
        w.WriteStartObject();
        w.WriteString("id", item.Id);
        w.WriteString("type", item.Type);
        switch (item.Type)
        {
            case "message":
                w.WriteString("status", status);
                w.WriteString("role", "assistant");
                w.WriteStartArray("content");
                if (done)
                {
                    WriteTextPart(w, item.Text);
                }

                w.WriteEndArray();
                break;
            case "function_call":
                w.WriteString("status", status);
                w.WriteString("call_id", item.CallId);
                w.WriteString("name", item.Name);
                w.WriteString("arguments", done ? item.Arguments : string.Empty);
                break;
            default:
                w.WriteStartArray("summary");
                if (done)
                {
                    WriteSummaryPart(w, item.Text);
                }

                w.WriteEndArray();
                break;
        }

        w.WriteEndObject();
    }

    /// <summary>An <c>output_text</c> content part.</summary>
    public static void WriteTextPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "output_text");
        w.WriteString("text", text);
        w.WriteStartArray("annotations");
        w.WriteEndArray();
        w.WriteStartArray("logprobs");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A <c>summary_text</c> part of a reasoning item.</summary>
    public static void WriteSummaryPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "summary_text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    /// <summary>One conversation item as <c>GET /v1/responses/{id}/input_items</c> lists it.</summary>
    public static void WriteInputItem(Utf8JsonWriter w, ConversationItem item)
    {
        w.WriteStartObject();
        w.WriteString("id", item.Id);
        w.WriteString("type", item.Type);
        switch (item.Type)
        {
            case "message":
                w.WriteString("role", item.Role);
                w.WriteString("status", "completed");
                w.WriteStartArray("content");
                if (item.Role == "assistant")
                {
                    WriteTextPart(w, item.Text ?? string.Empty);
                }
                else
                {
                    w.WriteStartObject();
                    w.WriteString("type", "input_text");
                    w.WriteString("text", item.Text);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                break;
            case "function_call":
                w.WriteString("call_id", item.CallId);
                w.WriteString("name", item.Name);
                w.WriteString("arguments", item.Arguments);
                w.WriteString("status", "completed");
                break;
            default:
                w.WriteString("call_id", item.CallId);
                w.WriteString("output", item.Output);
                w.WriteString("status", "completed");
                break;
        }

        w.WriteEndObject();
    }

    /// <summary>What a stored response said, as conversation items (its messages and function calls).</summary>
    public static IEnumerable<ConversationItem> OutputConversation(string responseJson)
    {
        using var doc = JsonDocument.Parse(responseJson);
        var items = new List<ConversationItem>();
        foreach (var item in doc.RootElement.GetProperty("output").EnumerateArray())
        {
            var type = item.GetProperty("type").GetString();
            var id = item.GetProperty("id").GetString()!;
            if (type == "message")
            {
                var text = string.Concat(item.GetProperty("content").EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : null));
                items.Add(new ConversationItem { Type = "message", Id = id, Role = "assistant", Text = text });
            }
            else if (type == "function_call")
            {
                items.Add(new ConversationItem
                {
                    Type = "function_call", Id = id, CallId = item.GetProperty("call_id").GetString(),
                    Name = item.GetProperty("name").GetString(), Arguments = item.GetProperty("arguments").GetString(),
                });
            }
        }

        return items;
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
