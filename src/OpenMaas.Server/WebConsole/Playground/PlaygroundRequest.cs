using System.Text.Json.Serialization;

namespace OpenMaas.Server.WebConsole.Playground;

/// <summary>The playground's wire request (<c>POST /console/playground</c>, JSON, antiforgery header).</summary>
internal sealed record PlaygroundRequest
{
    public string? Model { get; init; }

    public string? Prompt { get; init; }

    public float? Temperature { get; init; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }
}

/// <summary>One event of the playground's stream: text, the end (finish reason and token counts), or an error.</summary>
internal sealed record PlaygroundEvent
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reasoning { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Finish { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? PromptTokens { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CompletionTokens { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PlaygroundRequest))]
[JsonSerializable(typeof(PlaygroundEvent))]
internal sealed partial class PlaygroundJson : JsonSerializerContext;
