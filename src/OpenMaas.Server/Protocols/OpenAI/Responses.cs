using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.OpenAI;

public sealed record ModelObject(string Id, long Created, string OwnedBy)
{
    public string Object => "model";

    /// <summary>OpenMaaS's extra field (clients ignore it): <c>tools</c>, <c>vision</c>, <c>audio</c>, <c>reasoning</c>,
    /// <c>structured_output</c>.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];
}

public sealed record ModelList(IReadOnlyList<ModelObject> Data)
{
    public string Object => "list";
}

public sealed record Usage(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

public sealed record ChatCompletion(string Id, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage)
{
    public string Object => "chat.completion";
}

public sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs => null;
}

public sealed record AssistantMessage([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Content)
{
    public string Role => "assistant";

    /// <summary>The model's reasoning, apart from its answer (DeepSeek's and Qwen's field).</summary>
    public string? ReasoningContent { get; init; }

    public IReadOnlyList<ToolCallObject>? ToolCalls { get; init; }
}

public sealed record ToolCallObject(string Id, FunctionCall Function)
{
    public string Type => "function";
}

public sealed record FunctionCall(string Name, string Arguments);

public sealed record TextCompletion(string Id, long Created, string Model, IReadOnlyList<TextChoice> Choices, Usage Usage)
{
    public string Object => "text_completion";
}

public sealed record TextChoice(int Index, string Text, string FinishReason)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs => null;
}
