namespace OpenMaas.Inference.Abstractions;

/// <summary>What to generate from: a conversation (rendered with the model's chat template) or a raw prompt.</summary>
public abstract record PromptInput
{
    private PromptInput()
    {
    }

    /// <summary>A conversation, with the tools the model may call (a chat template may render them).</summary>
    public sealed record Chat(IReadOnlyList<ChatMessage> Messages) : PromptInput
    {
        /// <summary>The functions offered to the model; empty when none.</summary>
        public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];
    }

    public sealed record Raw(string Text) : PromptInput;
}
