using System.Text.Json;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary><c>POST /v1/chat/completions</c> body (the subset OpenMaaS honours; unknown fields are ignored).</summary>
public sealed record ChatCompletionRequest : SamplingRequest
{
    public IReadOnlyList<ChatMessageDto?>? Messages { get; init; }

    public int? MaxCompletionTokens { get; init; }

    public IReadOnlyList<ToolDto?>? Tools { get; init; }

    /// <summary><c>"none"</c>, <c>"auto"</c>, <c>"required"</c> or <c>{"type":"function","function":{"name":…}}</c>.</summary>
    public JsonElement? ToolChoice { get; init; }

    public bool? ParallelToolCalls { get; init; }

    public ResponseFormatDto? ResponseFormat { get; init; }

    /// <summary>Qwen3's (vLLM, SGLang, ModelScope, DashScope) thinking switch.</summary>
    public bool? EnableThinking { get; init; }

    public int? ThinkingBudget { get; init; }

    public string? ReasoningEffort { get; init; }

    /// <summary>vLLM's and SGLang's extra chat-template variables (e.g. <c>{"enable_thinking": false}</c>).</summary>
    public JsonElement? ChatTemplateKwargs { get; init; }
}

public sealed record ChatMessageDto(string? Role, MessageContent? Content, string? Name)
{
    public IReadOnlyList<ToolCallDto?>? ToolCalls { get; init; }

    public string? ToolCallId { get; init; }

    /// <summary>Sent back by some clients with an assistant turn; not shown to the model again.</summary>
    public string? ReasoningContent { get; init; }
}

public sealed record ToolCallDto(string? Id, string? Type, FunctionCallDto? Function);

public sealed record FunctionCallDto(string? Name, string? Arguments);

public sealed record ToolDto(string? Type, FunctionDto? Function);

public sealed record FunctionDto(string? Name, string? Description, JsonElement? Parameters, bool? Strict);

public sealed record ResponseFormatDto(string? Type, JsonSchemaDto? JsonSchema);

public sealed record JsonSchemaDto(string? Name, string? Description, JsonElement? Schema, bool? Strict);

/// <summary><c>POST /v1/completions</c> body.</summary>
public sealed record CompletionRequest : SamplingRequest
{
    /// <summary>A string (a list of one string is accepted too).</summary>
    public PromptText? Prompt { get; init; }

    public string? Suffix { get; init; }

    public bool? Echo { get; init; }
}

/// <summary>Fields shared by chat and text completions.</summary>
public abstract record SamplingRequest
{
    public string Model { get; init; } = "";

    public int? MaxTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? TopK { get; init; }

    public long? Seed { get; init; }

    public StopSequences? Stop { get; init; }

    public float? PresencePenalty { get; init; }

    public float? FrequencyPenalty { get; init; }

    public int? N { get; init; }

    public string? User { get; init; }

    public bool? Stream { get; init; }

    public StreamOptions? StreamOptions { get; init; }

    /// <summary>llama-server's extension: keep generating past end-of-generation.</summary>
    public bool? IgnoreEos { get; init; }
}

public sealed record StreamOptions(bool? IncludeUsage);
