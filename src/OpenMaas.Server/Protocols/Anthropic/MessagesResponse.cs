using System.Text.Json.Serialization;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>A complete <c>/v1/messages</c> answer.</summary>
public sealed record MessagesResponse(
    string Id,
    string Model,
    IReadOnlyList<ContentBlock> Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StopReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StopSequence,
    AnthropicUsage Usage)
{
    [JsonPropertyOrder(-2)]
    public string Type => "message";

    [JsonPropertyOrder(-1)]
    public string Role => "assistant";
}

/// <summary>One block of an answer: <c>text</c>, <c>thinking</c> or <c>tool_use</c> (only its fields are written).</summary>
public sealed record ContentBlock([property: JsonPropertyOrder(-1)] string Type)
{
    public string? Text { get; init; }

    public string? Thinking { get; init; }

    public string? Id { get; init; }

    public string? Name { get; init; }

    public System.Text.Json.JsonElement? Input { get; init; }
}

public sealed record AnthropicUsage(int InputTokens, int OutputTokens);

/// <summary>Anthropic's stop reasons from the core's finish reason.</summary>
public static class StopReasons
{
    public const string EndTurn = "end_turn";
    public const string MaxTokens = "max_tokens";
    public const string StopSequence = "stop_sequence";
    public const string ToolUse = "tool_use";

    public static string From(FinishReason? finish, string? stopSequence) => finish switch
    {
        FinishReason.Length => MaxTokens,
        FinishReason.ToolCalls => ToolUse,
        _ when stopSequence is not null => StopSequence,
        _ => EndTurn,
    };
}
