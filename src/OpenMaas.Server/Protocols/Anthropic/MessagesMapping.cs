using System.Security.Cryptography;
using System.Text.Json;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>Maps a collected generation to the Messages API's answer: thinking, text and tool_use blocks.</summary>
internal static class MessagesMapping
{
    public static string NewMessageId() => "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static MessagesResponse ToResponse(string id, string model, GenerationResult result)
    {
        var blocks = new List<ContentBlock>();
        if (result.Reasoning is { Length: > 0 } reasoning)
        {
            blocks.Add(new ContentBlock("thinking") { Thinking = reasoning });
        }

        if (result.Text.Length > 0 || result.ToolCalls.Count == 0)
        {
            blocks.Add(new ContentBlock("text") { Text = result.Text });
        }

        blocks.AddRange(result.ToolCalls.Select(c => new ContentBlock("tool_use") { Id = c.Id, Name = c.Name, Input = Input(c.Arguments) }));
        var end = result.End;
        return new MessagesResponse(id, model, blocks, StopReasons.From(end.Finish, end.StopSequence), end.StopSequence, new AnthropicUsage(end.PromptTokens, end.CompletionTokens));
    }

    /// <summary>A tool call's arguments as the JSON object Anthropic's <c>input</c> is (an empty one when a model
    /// wrote no valid JSON).</summary>
    internal static JsonElement Input(string arguments)
    {
        try
        {
            using var doc = JsonDocument.Parse(arguments.Length == 0 ? "{}" : arguments);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : Empty;
        }
        catch (JsonException)
        {
            return Empty;
        }
    }

    private static JsonElement Empty => JsonDocument.Parse("{}").RootElement.Clone();
}
