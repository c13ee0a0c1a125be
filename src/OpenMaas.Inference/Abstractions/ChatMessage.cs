namespace OpenMaas.Inference.Abstractions;

/// <summary>One message of a conversation, already validated by the wire layer.</summary>
public readonly record struct ChatMessage(string Role, string Content);
