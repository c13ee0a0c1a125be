using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>
/// Loads the model on its text-generation runtime, renders and tokenizes the prompt, and makes the checks that need
/// the model — before admission, so each 400 costs no call: the prompt must leave room for one token
/// (<c>context_length_exceeded</c>) and <c>max_tokens</c> must fit the context (<c>max_tokens_too_large</c>).
/// </summary>
internal sealed class TextGenerationPreparer(IRuntimeSelector runtimes) : ICallPreparer<TextGenerationRequest, PreparedGeneration>
{
    public async ValueTask<PreparedGeneration> PrepareAsync(TextGenerationRequest request, InferenceCall call, CancellationToken ct)
    {
        var model = await runtimes.LoadAsync<ITextGenerationModel>(call.Model, ct);
        var prompt = model.Prepare(request.Prompt);
        return new PreparedGeneration(model, prompt, Bound(request, model.ContextLength, prompt.TokenCount));
    }

    /// <summary>The request's options with <c>MaxTokens</c> bounded by the room the prompt leaves; throws 400 when the
    /// prompt or the requested <c>max_tokens</c> does not fit.</summary>
    internal static SamplingOptions Bound(TextGenerationRequest request, int contextLength, int promptTokens)
    {
        if (promptTokens + 1 > contextLength)
        {
            throw CallException.BadRequest(
                $"This model's maximum context length is {contextLength} tokens, but the prompt has {promptTokens} tokens (at least one more is needed to generate).",
                request.PromptParam, "context_length_exceeded");
        }

        if (request.MaxTokens > contextLength && !request.CapMaxTokensToContext)
        {
            throw CallException.BadRequest(
                $"{request.MaxTokensParam} is {request.MaxTokens}, but this model's context holds {contextLength} tokens.",
                request.MaxTokensParam, "max_tokens_too_large");
        }

        var room = contextLength - promptTokens;
        return request.Sampling with { MaxTokens = Math.Min(request.MaxTokens ?? room, room) };
    }
}
