using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.WebConsole.Playground;

/// <summary>Checks every field of a playground request and maps it to the neutral text-generation request: the prompt
/// is one user message (the model's chat template renders it), streamed.</summary>
internal static class PlaygroundMapper
{
    public const int MaxPromptChars = 8000;
    public const int MaxTokensLimit = 2048;
    public static readonly CallEndpoint Endpoint = new("console", "playground");

    public static TextGenerationRequest ToGenerationRequest(PlaygroundRequest? wire)
    {
        if (wire is null)
        {
            throw CallException.BadRequest("Send a JSON body with model, prompt, temperature and max_tokens.");
        }

        if (wire.Model is not { Length: > 0 } model)
        {
            throw CallException.BadRequest("Choose a model.", "model");
        }

        if (wire.Prompt is not { Length: > 0 } prompt || string.IsNullOrWhiteSpace(prompt))
        {
            throw CallException.BadRequest("Write a prompt.", "prompt");
        }

        if (prompt.Length > MaxPromptChars)
        {
            throw CallException.BadRequest($"The prompt is limited to {MaxPromptChars} characters.", "prompt");
        }

        if (wire.Temperature is { } t && (float.IsNaN(t) || t < 0 || t > 2))
        {
            throw CallException.BadRequest("temperature must be between 0 and 2.", "temperature");
        }

        if (wire.MaxTokens is { } m && (m < 1 || m > MaxTokensLimit))
        {
            throw CallException.BadRequest($"max_tokens must be between 1 and {MaxTokensLimit}.", "max_tokens");
        }

        return new TextGenerationRequest
        {
            Model = model,
            Endpoint = Endpoint,
            Prompt = new PromptInput.Chat([new ChatMessage("user", prompt)]),
            MaxTokens = wire.MaxTokens ?? 256,
            Sampling = new SamplingOptions { Temperature = wire.Temperature ?? 0.7f },
            Stream = true,
            PromptParam = "prompt",
            MaxTokensParam = "max_tokens",
        };
    }
}
