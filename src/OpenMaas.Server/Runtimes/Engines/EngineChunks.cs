using System.Text.Json;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// Reads an engine's OpenAI answer into neutral chunks: <c>delta.content</c> (or <c>text</c> for completions) is
/// text, <c>delta.reasoning_content</c> (vLLM, SGLang, DeepSeek, ModelScope) or <c>delta.reasoning</c> (Ollama) is
/// reasoning, each <c>delta.tool_calls[]</c> entry a tool-call fragment. The finish reason and the usage are kept for
/// the final chunk, which the engine's <c>[DONE]</c> releases.
/// </summary>
internal sealed class EngineChunks(bool chat)
{
    private FinishReason _finish = FinishReason.Stop;
    private int _promptTokens;
    private int _completionTokens;

    /// <summary>Takes every complete event read so far into <paramref name="into"/>; true once <c>[DONE]</c> came.</summary>
    public bool Take(EngineEventReader events, Queue<GenerationChunk> into)
    {
        while (events.TryTake(out var payload))
        {
            if (payload.SequenceEqual("[DONE]"u8))
            {
                return true;
            }

            if (!payload.IsEmpty)
            {
                using var doc = JsonDocument.Parse(payload.ToArray());
                Read(doc.RootElement, delta: true, into);
            }
        }

        return false;
    }

    /// <summary>The chunks of a whole (not streamed) answer, the final one included.</summary>
    public IEnumerable<GenerationChunk> ReadWhole(ReadOnlyMemory<byte> body)
    {
        var chunks = new Queue<GenerationChunk>();
        using (var doc = JsonDocument.Parse(body))
        {
            Read(doc.RootElement, delta: false, chunks);
        }

        chunks.Enqueue(Final());
        return chunks;
    }

    /// <summary>The last chunk: no text, the finish reason and the engine's token counts.</summary>
    public GenerationChunk Final() => new(string.Empty, _finish, _promptTokens, _completionTokens);

    private void Read(JsonElement root, bool delta, Queue<GenerationChunk> into)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            _promptTokens = Int(usage, "prompt_tokens");
            _completionTokens = Int(usage, "completion_tokens");
        }

        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return;
        }

        var choice = choices[0];
        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            _finish = finish.GetString() switch
            {
                "length" => FinishReason.Length,
                "tool_calls" or "function_call" => FinishReason.ToolCalls,
                _ => FinishReason.Stop,
            };
        }

        if (!chat)
        {
            Add(into, String(choice, "text"), null);
            return;
        }

        if (!choice.TryGetProperty(delta ? "delta" : "message", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        Add(into, String(message, "content"), String(message, "reasoning_content") ?? String(message, "reasoning"));
        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var index = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : position;
                position++;
                var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
                var arguments = function.ValueKind == JsonValueKind.Object ? String(function, "arguments") : null;
                var name = function.ValueKind == JsonValueKind.Object ? String(function, "name") : null;
                into.Enqueue(new GenerationChunk(string.Empty, null, 0, 0) { ToolCall = new ToolCallDelta(index, String(call, "id"), name, arguments) });
            }
        }
    }

    private static void Add(Queue<GenerationChunk> into, string? text, string? reasoning)
    {
        if (text is { Length: > 0 } || reasoning is { Length: > 0 })
        {
            into.Enqueue(new GenerationChunk(text ?? string.Empty, null, 0, 0) { Reasoning = reasoning is { Length: > 0 } ? reasoning : null });
        }
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : 0;
}
