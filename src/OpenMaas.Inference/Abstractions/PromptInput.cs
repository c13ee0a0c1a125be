namespace OpenMaas.Inference.Abstractions;

/// <summary>What to generate from: a conversation (rendered with the model's chat template) or a raw prompt.</summary>
public abstract record PromptInput
{
    private PromptInput()
    {
    }

    public sealed record Chat(IReadOnlyList<ChatMessage> Messages) : PromptInput;

    public sealed record Raw(string Text) : PromptInput;
}
