using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>Checks a Messages API request the way Anthropic does and maps it to the core's types. Every refusal is a
/// 400 <see cref="CallException"/> (<c>invalid_request_error</c> on this surface) with the path of the field in its
/// message, so it is decided before the model is resolved or the call admitted.</summary>
public static class MessagesValidation
{
    public const int MaxStopSequences = 16;
    public const int MaxUserIdLength = 256;

    /// <summary>The validated call: the conversation, the sampling settings (<c>max_tokens</c> as asked; the runner
    /// bounds it by the model's context) and whether to stream.</summary>
    public sealed record Validated(string Model, PromptInput.Chat Prompt, SamplingOptions Sampling, bool Stream)
    {
        public ToolChoice ToolChoice { get; init; } = ToolChoice.Auto;

        /// <summary>The field a later tools 400 names: <c>tool_choice</c> when it was sent, else <c>tools</c>.</summary>
        public string ToolsParam { get; init; } = "tools";

        public bool? ParallelToolCalls { get; init; }

        public ThinkingOptions? Thinking { get; init; }
    }

    public static Validated Validate(this MessagesRequest r)
    {
        var model = RequireModel(r.Model);
        if (r.MaxTokens is null)
        {
            throw CallException.BadRequest("max_tokens: Field required");
        }

        Check(r.MaxTokens >= 1, $"max_tokens: must be at least 1 (got {r.MaxTokens})");
        Check(r.Temperature is null or (>= 0 and <= 1), $"temperature: must be between 0 and 1 (got {r.Temperature})");
        Check(r.TopP is null or (> 0 and <= 1), $"top_p: must be greater than 0 and at most 1 (got {r.TopP})");
        Check(r.TopK is null or >= 0, $"top_k: must be 0 or more (got {r.TopK})");
        Check(r.Metadata?.UserId is null || r.Metadata.UserId.Length <= MaxUserIdLength, $"metadata.user_id: at most {MaxUserIdLength} characters");
        var tools = MessagesTools.Tools(r.Tools);
        var (choice, parallel) = MessagesTools.ToolChoice(r.ToolChoice, tools);
        var thinking = MessagesTools.Thinking(r.Thinking, r.MaxTokens.Value);
        var stops = StopSequences(r.StopSequences);
        var prompt = ToPrompt(r.System, r.Messages) with { Tools = tools };
        return new Validated(model, prompt, new SamplingOptions
        {
            MaxTokens = r.MaxTokens.Value,
            Temperature = r.Temperature ?? 1f, // Anthropic's default
            TopP = r.TopP ?? 1f,
            TopK = r.TopK ?? 0,
            Stop = stops,
        }, r.Stream == true)
        {
            ToolChoice = choice,
            ToolsParam = r.ToolChoice is null ? "tools" : "tool_choice",
            ParallelToolCalls = parallel,
            Thinking = thinking,
        };
    }

    /// <summary>count_tokens: the same conversation checks, nothing to generate.</summary>
    public static (string Model, PromptInput.Chat Prompt) Validate(this CountTokensRequest r)
    {
        var model = RequireModel(r.Model);
        var tools = MessagesTools.Tools(r.Tools);
        _ = MessagesTools.Thinking(r.Thinking, int.MaxValue);
        return (model, ToPrompt(r.System, r.Messages) with { Tools = tools });
    }

    private static string RequireModel(string? model) =>
        string.IsNullOrWhiteSpace(model) ? throw CallException.BadRequest("model: Field required") : model;

    private static PromptInput.Chat ToPrompt(AnthropicContent? system, IReadOnlyList<AnthropicMessage?>? messages) =>
        MessagesConversation.ToPrompt(system, messages);

    private static IReadOnlyList<string> StopSequences(IReadOnlyList<string?>? stops)
    {
        if (stops is null)
        {
            return [];
        }

        Check(stops.Count <= MaxStopSequences, $"stop_sequences: at most {MaxStopSequences} sequences");
        for (var i = 0; i < stops.Count; i++)
        {
            Check(!string.IsNullOrEmpty(stops[i]), $"stop_sequences.{i}: must be a non-empty string");
        }

        return [.. stops!];
    }

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw CallException.BadRequest(message);
        }
    }
}
