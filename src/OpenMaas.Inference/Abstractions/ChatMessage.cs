namespace OpenMaas.Inference.Abstractions;

/// <summary>One message of a conversation, already validated by the wire layer. <see cref="Content"/> is the
/// message's text (its text parts joined); the other parts, the assistant's tool calls and a tool result's call id
/// ride alongside, so each protocol maps parts rather than strings.</summary>
public readonly record struct ChatMessage(string Role, string Content)
{
    /// <summary>Every content part in order (text included), or null when the message is its text alone.</summary>
    public IReadOnlyList<ContentPart>? Parts { get; init; }

    /// <summary>The tool calls an assistant message made, or null.</summary>
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }

    /// <summary>For a <c>tool</c> message: the id of the call it answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>For a <c>tool</c> message: the tool reported an error (Anthropic's <c>is_error</c>).</summary>
    public bool IsError { get; init; }

    /// <summary>Where the message is in the caller's wire format (<c>messages[2]</c>, <c>messages.2</c>), so a later 400
    /// (an image on a text-only model) names it.</summary>
    public string? Path { get; init; }

    /// <summary>True when a part is not text (an image, audio, or a kind only an engine knows).</summary>
    public bool HasMedia => Parts?.Any(p => p is not ContentPart.Text) == true;
}
