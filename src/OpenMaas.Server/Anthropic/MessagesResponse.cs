using System.Text.Json.Serialization;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Anthropic;

/// <summary>A complete <c>/v1/messages</c> answer.</summary>
public sealed record MessagesResponse(
    string Id,
    string Model,
    IReadOnlyList<TextBlock> Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StopReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StopSequence,
    AnthropicUsage Usage)
{
    [JsonPropertyOrder(-2)]
    public string Type => "message";

    [JsonPropertyOrder(-1)]
    public string Role => "assistant";
}

public sealed record TextBlock(string Text)
{
    [JsonPropertyOrder(-1)]
    public string Type => "text";
}

public sealed record AnthropicUsage(int InputTokens, int OutputTokens);

/// <summary>Anthropic's stop reasons from the core's finish reason.</summary>
public static class StopReasons
{
    public const string EndTurn = "end_turn";
    public const string MaxTokens = "max_tokens";
    public const string StopSequence = "stop_sequence";

    public static string From(FinishReason? finish, string? stopSequence) => finish switch
    {
        FinishReason.Length => MaxTokens,
        _ when stopSequence is not null => StopSequence,
        _ => EndTurn,
    };
}
