using System.Security.Cryptography;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Anthropic;

/// <summary>Maps the core's generation results to the Messages API's answer.</summary>
public static class MessagesMapping
{
    public static string NewMessageId() => "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static MessagesResponse ToResponse(string id, string model, string text, GenerationChunk last) => new(
        id,
        model,
        [new TextBlock(text)],
        StopReasons.From(last.Finish, last.StopSequence),
        last.Finish == FinishReason.Length ? null : last.StopSequence,
        new AnthropicUsage(last.PromptTokens, last.CompletionTokens));
}
