using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>The OpenAI request the typed path sends an engine for a neutral request: streamed, with usage asked for;
/// a conversation's parts, tool calls, tools and switches as <see cref="EngineChatMessages"/> writes them.</summary>
internal static class EngineChatRequest
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static HttpContent Create(string engineModel, TextGenerationRequest request)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(output))
        {
            Write(w, engineModel, request);
        }

        var content = new ReadOnlyMemoryContent(output.WrittenMemory);
        content.Headers.ContentType = Json;
        return content;
    }

    internal static void Write(Utf8JsonWriter w, string engineModel, TextGenerationRequest request)
    {
        var options = request.Sampling;
        w.WriteStartObject();
        w.WriteString("model", engineModel);
        switch (request.Prompt)
        {
            case PromptInput.Chat chat:
                EngineChatMessages.Write(w, chat);
                EngineChatMessages.WriteOptions(w, request);
                break;
            case PromptInput.Raw raw:
                w.WriteString("prompt", raw.Text);
                break;
        }

        if (request.MaxTokens is { } max)
        {
            w.WriteNumber("max_tokens", max);
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

        w.WriteBoolean("stream", true);
        w.WriteStartObject("stream_options");
        w.WriteBoolean("include_usage", true);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
