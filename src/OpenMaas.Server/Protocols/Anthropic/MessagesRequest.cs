using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary><c>POST /v1/messages</c> body: the subset of Anthropic's Messages API that OpenMaaS serves. Fields it
/// cannot serve (tools, thinking) are read so that they are refused with a clear 400 rather than ignored; other
/// unknown fields are ignored, as Anthropic's SDKs add new ones.</summary>
public sealed record MessagesRequest
{
    public string? Model { get; init; }

    public int? MaxTokens { get; init; }

    public IReadOnlyList<AnthropicMessage?>? Messages { get; init; }

    public AnthropicContent? System { get; init; }

    public IReadOnlyList<string?>? StopSequences { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? TopK { get; init; }

    public bool? Stream { get; init; }

    public AnthropicMetadata? Metadata { get; init; }

    public JsonElement? Tools { get; init; }

    public JsonElement? ToolChoice { get; init; }

    public JsonElement? Thinking { get; init; }
}

/// <summary><c>POST /v1/messages/count_tokens</c> body: the request without the generation settings.</summary>
public sealed record CountTokensRequest
{
    public string? Model { get; init; }

    public IReadOnlyList<AnthropicMessage?>? Messages { get; init; }

    public AnthropicContent? System { get; init; }

    public JsonElement? Tools { get; init; }

    public JsonElement? Thinking { get; init; }
}

public sealed record AnthropicMessage(string? Role, AnthropicContent? Content);

public sealed record AnthropicMetadata([property: JsonPropertyName("user_id")] string? UserId);

/// <summary><c>POST /v1/messages/count_tokens</c> answer.</summary>
public sealed record CountTokensResponse(int InputTokens);
