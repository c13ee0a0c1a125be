using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Upstream;

/// <summary>
/// A model served by upstream engines. The engine renders, tokenizes and checks the context itself, so
/// <see cref="Prepare"/> only carries the input through and the context is unbounded here (the engine's 400 is passed
/// on). The OpenAI surface passes its requests through as bytes (the hot path); <see cref="Generate"/> is the typed
/// path for other surfaces: one OpenAI request built from the neutral one, its answer as a single chunk.
/// </summary>
public sealed class UpstreamTextModel(string id, UpstreamInvoker invoker) : ITextGenerationModel
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public string Id { get; } = id;

    public int ContextLength => int.MaxValue;

    public UpstreamInvoker Invoker => invoker;

    /// <summary>The inputs behind prepared prompts, for the typed path (weak: gone with the prompt).</summary>
    private readonly ConditionalWeakTable<PreparedPrompt, PromptInput> _inputs = [];

    /// <summary>No tokens: the engine renders and counts them (its usage is recorded).</summary>
    public PreparedPrompt Prepare(PromptInput input)
    {
        var prompt = new PreparedPrompt(input is PromptInput.Raw raw ? raw.Text : string.Empty, []);
        _inputs.AddOrUpdate(prompt, input);
        return prompt;
    }

    public async IAsyncEnumerable<GenerationChunk> Generate(PreparedPrompt prompt, SamplingOptions options, [EnumeratorCancellation] CancellationToken ct)
    {
        var input = _inputs.TryGetValue(prompt, out var given) ? given : new PromptInput.Raw(prompt.Text);
        var path = input is PromptInput.Chat ? "chat/completions" : "completions";
        UpstreamResponse answer;
        try
        {
            answer = await invoker.SendAsync(new UpstreamRequest(Id, path, model => Body(model, input, options), Streaming: false, RequestId: null), ct);
        }
        catch (UpstreamException e) when (e.Failure == UpstreamFailure.Busy)
        {
            throw new SchedulerFullException(Id, TimeSpan.FromSeconds(1));
        }
        catch (UpstreamException e)
        {
            throw new InferenceException(e.UpstreamMessage ?? e.Message, e);
        }

        byte[] body;
        await using (answer)
        {
            var all = new ArrayBufferWriter<byte>();
            all.Write(answer.Buffer.AsSpan(0, answer.FirstCount));
            int n;
            while ((n = await ReadAsync(answer, all.GetMemory(16 * 1024))) > 0)
            {
                all.Advance(n);
            }

            body = all.WrittenSpan.ToArray();
        }

        yield return Parse(body, input is PromptInput.Chat);
    }

    private static async ValueTask<int> ReadAsync(UpstreamResponse answer, Memory<byte> into)
    {
        try
        {
            return await answer.ReadAsync(into);
        }
        catch (UpstreamException e)
        {
            throw new InferenceException(e.Message, e);
        }
    }

    private static GenerationChunk Parse(byte[] body, bool chat)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var choice = root.GetProperty("choices")[0];
        var text = chat ? choice.GetProperty("message").GetProperty("content").GetString() : choice.GetProperty("text").GetString();
        var finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String && f.GetString() == "length"
            ? FinishReason.Length : FinishReason.Stop;
        int prompt = 0, completion = 0;
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            prompt = usage.TryGetProperty("prompt_tokens", out var p) ? p.GetInt32() : 0;
            completion = usage.TryGetProperty("completion_tokens", out var c) ? c.GetInt32() : 0;
        }

        return new GenerationChunk(text ?? string.Empty, finish, prompt, completion);
    }

    private static HttpContent Body(string model, PromptInput input, SamplingOptions options)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            if (input is PromptInput.Chat chat)
            {
                w.WriteStartArray("messages");
                foreach (var m in chat.Messages)
                {
                    w.WriteStartObject();
                    w.WriteString("role", m.Role);
                    w.WriteString("content", m.Content);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }
            else if (input is PromptInput.Raw raw)
            {
                w.WriteString("prompt", raw.Text);
            }

            if (options.MaxTokens is > 0 and < int.MaxValue)
            {
                w.WriteNumber("max_tokens", options.MaxTokens);
            }

            w.WriteNumber("temperature", options.Temperature);
            w.WriteNumber("top_p", options.TopP);
            if (options.Seed is { } seed)
            {
                w.WriteNumber("seed", seed);
            }

            if (options.Stop.Count > 0)
            {
                w.WriteStartArray("stop");
                foreach (var s in options.Stop)
                {
                    w.WriteStringValue(s);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        var content = new ReadOnlyMemoryContent(output.WrittenMemory);
        content.Headers.ContentType = Json;
        return content;
    }
}
