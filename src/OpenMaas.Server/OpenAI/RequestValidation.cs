using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.OpenAI;

/// <summary>Checks a request's fields and maps them to the core's types. Throws <see cref="OpenAIException"/> (400).</summary>
public static class RequestValidation
{
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool"];

    public const int MaxStopSequences = 16;

    public static PromptInput ToPrompt(this ChatCompletionRequest request)
    {
        ValidateCommon(request);
        if (request.Messages is null)
        {
            throw OpenAIException.BadRequest("'messages' is required.", "messages");
        }

        if (request.Messages.Count == 0)
        {
            throw OpenAIException.BadRequest("'messages' must contain at least one message.", "messages");
        }

        var messages = new List<ChatMessage>(request.Messages.Count);
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var m = request.Messages[i] ?? throw OpenAIException.BadRequest($"messages[{i}] must be an object.", $"messages[{i}]");
            if (string.IsNullOrEmpty(m.Role))
            {
                throw OpenAIException.BadRequest($"messages[{i}].role is required.", $"messages[{i}].role");
            }

            if (!Roles.Contains(m.Role))
            {
                throw OpenAIException.BadRequest(
                    $"Invalid value '{m.Role}' for messages[{i}].role: expected one of system, developer, user, assistant, tool.", $"messages[{i}].role");
            }

            if (m.Content is null && m.Role != "assistant")
            {
                throw OpenAIException.BadRequest($"messages[{i}].content is required.", $"messages[{i}].content");
            }

            if (m.Content is { HasNonTextParts: true })
            {
                throw OpenAIException.BadRequest($"messages[{i}].content has non-text parts; this model accepts text only.", $"messages[{i}].content");
            }

            messages.Add(new ChatMessage(m.Role == "developer" ? "system" : m.Role, m.Content?.Text ?? string.Empty));
        }

        return new PromptInput.Chat(messages);
    }

    public static PromptInput ToPrompt(this CompletionRequest request)
    {
        ValidateCommon(request);
        if (request.Prompt is null)
        {
            throw OpenAIException.BadRequest("'prompt' is required.", "prompt");
        }

        if (request.Prompt.Values.Count != 1)
        {
            throw OpenAIException.BadRequest("'prompt' must be a single string (batched prompts are not supported).", "prompt");
        }

        if (request.Echo == true)
        {
            throw OpenAIException.BadRequest("'echo' is not supported.", "echo");
        }

        return new PromptInput.Raw(request.Prompt.Values[0]);
    }

    /// <summary>Maps sampling fields; <paramref name="contextLength"/> bounds max_tokens.</summary>
    public static SamplingOptions ToSamplingOptions(this SamplingRequest request, int? maxTokensOverride, int contextLength, int promptTokens)
    {
        var requested = maxTokensOverride ?? request.MaxTokens;
        if (requested > contextLength)
        {
            throw OpenAIException.BadRequest(
                $"max_tokens is {requested}, but this model's context holds {contextLength} tokens.", "max_tokens", "max_tokens_too_large");
        }

        var room = Math.Max(1, contextLength - promptTokens);
        return new SamplingOptions
        {
            MaxTokens = Math.Min(requested ?? room, room),
            Temperature = request.Temperature ?? 1f,
            TopP = request.TopP ?? 1f,
            TopK = request.TopK ?? 0,
            Seed = request.Seed is { } s ? unchecked((uint)s) : null,
            Stop = request.Stop?.Values ?? [],
            PresencePenalty = request.PresencePenalty ?? 0f,
            FrequencyPenalty = request.FrequencyPenalty ?? 0f,
            IgnoreEos = request.IgnoreEos ?? false,
        };
    }

    /// <summary>Both names exist; OpenAI's newer clients send max_completion_tokens.</summary>
    public static int? EffectiveMaxTokens(this ChatCompletionRequest request) => request.MaxCompletionTokens ?? request.MaxTokens;

    private static void ValidateCommon(SamplingRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.Model))
        {
            throw OpenAIException.BadRequest("'model' is required.", "model");
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
            throw OpenAIException.BadRequest(message, param);
        }
    }
}
