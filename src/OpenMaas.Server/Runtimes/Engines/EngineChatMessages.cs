using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// Writes a neutral conversation as OpenAI chat <c>messages</c> (content parts, assistant <c>tool_calls</c>, <c>tool</c>
/// messages with <c>tool_call_id</c>) and the neutral options as the fields engines take: <c>tools</c>,
/// <c>tool_choice</c>, <c>parallel_tool_calls</c>, <c>response_format</c>, and thinking as
/// <c>chat_template_kwargs.enable_thinking</c> (vLLM, SGLang) plus <c>thinking_budget</c> and <c>reasoning_effort</c>
/// when given.
/// </summary>
internal static class EngineChatMessages
{
    public static void Write(Utf8JsonWriter w, PromptInput.Chat chat)
    {
        w.WriteStartArray("messages");
        foreach (var m in chat.Messages)
        {
            w.WriteStartObject();
            w.WriteString("role", m.Role);
            if (m.Parts is { } parts && m.HasMedia)
            {
                w.WriteStartArray("content");
                foreach (var part in parts)
                {
                    WritePart(w, part);
                }

                w.WriteEndArray();
            }
            else if (m.ToolCalls is not null && m.Content.Length == 0)
            {
                w.WriteNull("content");
            }
            else
            {
                w.WriteString("content", m.Content);
            }

            if (m.ToolCalls is { } calls)
            {
                w.WriteStartArray("tool_calls");
                foreach (var call in calls)
                {
                    w.WriteStartObject();
                    w.WriteString("id", call.Id);
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", call.Name);
                    w.WriteString("arguments", call.Arguments);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (m.ToolCallId is { } id)
            {
                w.WriteString("tool_call_id", id);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (chat.Tools.Count > 0)
        {
            w.WriteStartArray("tools");
            foreach (var tool in chat.Tools)
            {
                w.WriteStartObject();
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", tool.Name);
                if (tool.Description is { } description)
                {
                    w.WriteString("description", description);
                }

                w.WritePropertyName("parameters");
                tool.Parameters.WriteTo(w);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }
    }

    public static void WriteOptions(Utf8JsonWriter w, TextGenerationRequest request)
    {
        if (request.Prompt is PromptInput.Chat { Tools.Count: > 0 })
        {
            switch (request.ToolChoice.Mode)
            {
                case ToolChoiceMode.Function:
                    w.WriteStartObject("tool_choice");
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", request.ToolChoice.Name);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteString("tool_choice", request.ToolChoice.Mode switch
                    {
                        ToolChoiceMode.None => "none",
                        ToolChoiceMode.Required => "required",
                        _ => "auto",
                    });
                    break;
            }

            if (request.ParallelToolCalls is { } parallel)
            {
                w.WriteBoolean("parallel_tool_calls", parallel);
            }
        }

        if (request.ResponseFormat is { } format)
        {
            w.WriteStartObject("response_format");
            w.WriteString("type", format.Kind switch
            {
                ResponseFormatKind.JsonObject => "json_object",
                ResponseFormatKind.JsonSchema => "json_schema",
                _ => "text",
            });
            if (format is { Kind: ResponseFormatKind.JsonSchema, Schema: { } schema })
            {
                w.WriteStartObject("json_schema");
                w.WriteString("name", format.Name);
                w.WritePropertyName("schema");
                schema.WriteTo(w);
                w.WriteBoolean("strict", format.Strict);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        if (request.Thinking is { } thinking)
        {
            if (thinking.Enabled is { } enabled)
            {
                w.WriteStartObject("chat_template_kwargs");
                w.WriteBoolean("enable_thinking", enabled);
                w.WriteEndObject();
            }

            if (thinking.BudgetTokens is { } budget)
            {
                w.WriteNumber("thinking_budget", budget);
            }

            if (thinking.Effort is { } effort)
            {
                w.WriteString("reasoning_effort", effort);
            }
        }
    }

    private static void WritePart(Utf8JsonWriter w, ContentPart part)
    {
        w.WriteStartObject();
        switch (part)
        {
            case ContentPart.Text text:
                w.WriteString("type", "text");
                w.WriteString("text", text.Value);
                break;
            case ContentPart.Image image:
                w.WriteString("type", "image_url");
                w.WriteStartObject("image_url");
                w.WriteString("url", image.Url);
                if (image.Detail is { } detail)
                {
                    w.WriteString("detail", detail);
                }

                w.WriteEndObject();
                break;
            case ContentPart.Audio audio:
                w.WriteString("type", "input_audio");
                w.WriteStartObject("input_audio");
                w.WriteString("data", audio.Data);
                w.WriteString("format", audio.Format);
                w.WriteEndObject();
                break;
            case ContentPart.Other other:
                w.WriteString("type", other.Type);
                break;
        }

        w.WriteEndObject();
    }
}
