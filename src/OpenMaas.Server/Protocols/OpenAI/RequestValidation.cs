using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>The OpenAI wire mappers: check every field of a request and map it to the neutral
/// <see cref="TextGenerationRequest"/>. Throws <see cref="CallException"/> (400) naming the field at fault.</summary>
public static class RequestValidation
{
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool"];

    public const int MaxStopSequences = 16;

    public static PromptInput ToPrompt(this ChatCompletionRequest request)
    {
        ValidateCommon(request);
        if (request.Messages is null)
        {
            throw CallException.BadRequest("'messages' is required.", "messages");
        }

        if (request.Messages.Count == 0)
        {
            throw CallException.BadRequest("'messages' must contain at least one message.", "messages");
        }

        var messages = new List<ChatMessage>(request.Messages.Count);
        var callIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var m = request.Messages[i] ?? throw CallException.BadRequest($"messages[{i}] must be an object.", $"messages[{i}]");
            if (string.IsNullOrEmpty(m.Role))
            {
                throw CallException.BadRequest($"messages[{i}].role is required.", $"messages[{i}].role");
            }

            if (!Roles.Contains(m.Role))
            {
                throw CallException.BadRequest(
                    $"Invalid value '{m.Role}' for messages[{i}].role: expected one of system, developer, user, assistant, tool.", $"messages[{i}].role");
            }

            if (m.Content is null && m.Role != "assistant")
            {
                throw CallException.BadRequest($"messages[{i}].content is required.", $"messages[{i}].content");
            }

            messages.Add(ChatToolsValidation.Message(m, i, callIds));
        }

        return new PromptInput.Chat(messages);
    }

    public static PromptInput ToPrompt(this CompletionRequest request)
    {
        ValidateCommon(request);
        if (request.Prompt is null)
        {
            throw CallException.BadRequest("'prompt' is required.", "prompt");
        }

        if (request.Prompt.Values.Count != 1)
        {
            throw CallException.BadRequest("'prompt' must be a single string (batched prompts are not supported).", "prompt");
        }

        if (request.Echo == true)
        {
            throw CallException.BadRequest("'echo' is not supported.", "echo");
        }

        return new PromptInput.Raw(request.Prompt.Values[0]);
    }

    /// <summary>Validates a chat request and maps it to the neutral request.</summary>
    public static TextGenerationRequest ToGenerationRequest(this ChatCompletionRequest request)
    {
        var prompt = (PromptInput.Chat)request.ToPrompt();
        var tools = ChatToolsValidation.Tools(request.Tools);
        return new TextGenerationRequest
        {
            Model = request.Model,
            Endpoint = OpenAIEndpoints.ChatCompletions,
            Prompt = prompt with { Tools = tools },
            PromptParam = "messages",
            MaxTokens = request.EffectiveMaxTokens(),
            MaxTokensParam = request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens",
            Sampling = request.ToSampling(),
            Stream = request.Stream == true,
            StreamUsage = request.StreamOptions?.IncludeUsage == true,
            ToolChoice = ChatToolsValidation.ToolChoice(request.ToolChoice, tools),
            ToolsParam = request.ToolChoice is null ? "tools" : "tool_choice",
            ParallelToolCalls = request.ParallelToolCalls,
            ResponseFormat = ChatToolsValidation.ResponseFormat(request.ResponseFormat),
            Thinking = ChatToolsValidation.Thinking(request),
            ThinkingParam = request.ReasoningEffort is not null && request.EnableThinking is null ? "reasoning_effort" : "enable_thinking",
        };
    }

    /// <summary>Validates a text-completion request and maps it to the neutral request.</summary>
    public static TextGenerationRequest ToGenerationRequest(this CompletionRequest request) => new()
    {
        Model = request.Model,
        Endpoint = OpenAIEndpoints.Completions,
        Prompt = request.ToPrompt(),
        PromptParam = "prompt",
        MaxTokens = request.MaxTokens,
        MaxTokensParam = "max_tokens",
        Sampling = request.ToSampling(),
        Stream = request.Stream == true,
        StreamUsage = request.StreamOptions?.IncludeUsage == true,
    };

    /// <summary>Maps the sampling fields (already validated); <c>MaxTokens</c> is bounded later, against the model.</summary>
    public static SamplingOptions ToSampling(this SamplingRequest request) => new()
    {
        Temperature = request.Temperature ?? 1f,
        TopP = request.TopP ?? 1f,
        TopK = request.TopK ?? 0,
        Seed = request.Seed is { } s ? unchecked((uint)s) : null,
        Stop = request.Stop?.Values ?? [],
        PresencePenalty = request.PresencePenalty ?? 0f,
        FrequencyPenalty = request.FrequencyPenalty ?? 0f,
        IgnoreEos = request.IgnoreEos ?? false,
    };

    /// <summary>Both names exist; OpenAI's newer clients send max_completion_tokens.</summary>
    public static int? EffectiveMaxTokens(this ChatCompletionRequest request) => request.MaxCompletionTokens ?? request.MaxTokens;

    private static void ValidateCommon(SamplingRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.Model))
        {
            throw CallException.BadRequest("'model' is required.", "model");
        }

        var maxTokens = r is ChatCompletionRequest chat ? chat.EffectiveMaxTokens() : r.MaxTokens;
        var maxParam = r is ChatCompletionRequest { MaxCompletionTokens: not null } ? "max_completion_tokens" : "max_tokens";
        Check(maxTokens is null or >= 1, maxParam, $"{maxParam} must be at least 1 (got {maxTokens}).");
        Check(r.Temperature is null or (>= 0 and <= 2), "temperature", $"temperature must be between 0 and 2 (got {r.Temperature}).");
        Check(r.TopP is null or (> 0 and <= 1), "top_p", $"top_p must be greater than 0 and at most 1 (got {r.TopP}).");
        Check(r.TopK is null or >= 0, "top_k", $"top_k must be 0 or more (got {r.TopK}).");
        Check(r.PresencePenalty is null or (>= -2 and <= 2), "presence_penalty", $"presence_penalty must be between -2 and 2 (got {r.PresencePenalty}).");
        Check(r.FrequencyPenalty is null or (>= -2 and <= 2), "frequency_penalty", $"frequency_penalty must be between -2 and 2 (got {r.FrequencyPenalty}).");
        Check(r.N is null or 1, "n", $"n must be 1: OpenMaaS returns one choice per request (got {r.N}).");
        Check(r.Stop is null || r.Stop.Values.Count <= MaxStopSequences, "stop", $"stop accepts at most {MaxStopSequences} sequences.");
        Check(r.Stop is null || r.Stop.Values.All(s => s.Length > 0), "stop", "stop sequences must not be empty.");
        Check(r.StreamOptions is null || r.Stream == true, "stream_options", "stream_options is only allowed when stream is true.");
    }

    private static void Check(bool ok, string param, string message)
    {
        if (!ok)
        {
            throw CallException.BadRequest(message, param);
        }
    }
}
