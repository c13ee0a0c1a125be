namespace OpenMaas.Inference.Abstractions;

/// <summary>The one rule of how a prompt fits a context: it must leave room for at least one generated token.</summary>
public static class PromptBudget
{
    /// <summary>The tokens left to generate after a prompt of <paramref name="promptTokens"/>; throws
    /// <see cref="PromptTooLongException"/> when none are.</summary>
    public static int Room(int promptTokens, int contextLength) =>
        promptTokens + 1 > contextLength ? throw new PromptTooLongException(promptTokens, contextLength) : contextLength - promptTokens;
}
