using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.OpenAI.ResponsesApi;

/// <summary>The body of <c>POST /v1/responses</c> as OpenAI defines it. The shapes that vary (<c>input</c>, tools, the
/// tool choice, <c>text</c>, <c>reasoning</c>) stay JSON here and are checked field by field in <see cref="ResponsesValidation"/>.</summary>
public sealed record ResponsesRequest
{
    public string Model { get; init; } = string.Empty;

    public JsonElement? Input { get; init; }

    public string? Instructions { get; init; }

    public int? MaxOutputTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public Dictionary<string, string>? Metadata { get; init; }

    public string? User { get; init; }

    public bool? Store { get; init; }

    public string? PreviousResponseId { get; init; }

    public bool? Stream { get; init; }

    public List<JsonElement>? Tools { get; init; }

    public JsonElement? ToolChoice { get; init; }

    public bool? ParallelToolCalls { get; init; }

    public JsonElement? Text { get; init; }

    public JsonElement? Reasoning { get; init; }

    public string? Truncation { get; init; }

    public bool? Background { get; init; }

    public List<string>? Include { get; init; }
}

/// <summary>One item of a conversation as OpenMaaS keeps it: a message (<see cref="Role"/> + <see cref="Text"/>), a
/// <c>function_call</c> (<see cref="CallId"/>, <see cref="Name"/>, <see cref="Arguments"/>) or a
/// <c>function_call_output</c> (<see cref="CallId"/>, <see cref="Output"/>).</summary>
public sealed record ConversationItem
{
    public required string Type { get; init; }

    public required string Id { get; init; }

    public string? Role { get; init; }

    public string? Text { get; init; }

    public string? CallId { get; init; }

    public string? Name { get; init; }

    public string? Arguments { get; init; }

    public string? Output { get; init; }
}

/// <summary>Source-generated JSON of the Responses API's request and of the stored conversation.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ResponsesRequest))]
[JsonSerializable(typeof(List<ConversationItem>))]
[JsonSerializable(typeof(List<JsonElement>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(bool))]
public sealed partial class ResponsesJson : JsonSerializerContext;
