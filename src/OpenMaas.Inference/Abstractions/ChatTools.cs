using System.Text.Json;

namespace OpenMaas.Inference.Abstractions;

/// <summary>A call an assistant made: its id, the function's name and the arguments as JSON text.</summary>
public sealed record ToolCall(string Id, string Name, string Arguments);

/// <summary>A function the model may call; <see cref="Parameters"/> is a JSON Schema object.</summary>
public sealed record ToolDefinition(string Name, string? Description, JsonElement Parameters);

/// <summary>Whether and which tool the model must call.</summary>
public enum ToolChoiceMode
{
    /// <summary>The model decides (the default when tools are given).</summary>
    Auto,

    /// <summary>No tool call; the tools are context only.</summary>
    None,

    /// <summary>At least one call, of any tool (OpenAI's <c>required</c>, Anthropic's <c>any</c>).</summary>
    Required,

    /// <summary>A call of the named function.</summary>
    Function,
}

/// <summary>The caller's tool choice; <see cref="Name"/> is set for <see cref="ToolChoiceMode.Function"/>.</summary>
public sealed record ToolChoice(ToolChoiceMode Mode, string? Name = null)
{
    public static readonly ToolChoice Auto = new(ToolChoiceMode.Auto);
}

/// <summary>What shape the answer's text must have.</summary>
public enum ResponseFormatKind
{
    Text,

    /// <summary>Any JSON object.</summary>
    JsonObject,

    /// <summary>JSON valid against <see cref="ResponseFormat.Schema"/>.</summary>
    JsonSchema,
}

/// <summary>OpenAI's <c>response_format</c>, neutral.</summary>
public sealed record ResponseFormat(ResponseFormatKind Kind, JsonElement? Schema = null, string? Name = null, bool Strict = false);

/// <summary>The thinking switches engines take: on/off (<c>enable_thinking</c>, Anthropic's <c>thinking.type</c>), a
/// budget (<c>thinking_budget</c>, <c>budget_tokens</c>) and OpenAI's <c>reasoning_effort</c>.</summary>
public sealed record ThinkingOptions(bool? Enabled, int? BudgetTokens = null, string? Effort = null);
