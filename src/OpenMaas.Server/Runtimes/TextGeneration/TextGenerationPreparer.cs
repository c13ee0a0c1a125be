using OpenMaas.Inference.Abstractions;
using OpenMaas.Core.Catalog;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>
/// Chooses how a text generation runs — pass-through to an engine that speaks the caller's protocol, an engine asked
/// in neutral terms, or a local model — and for a local model loads it on its text-generation runtime, renders and tokenizes the prompt, and makes the checks that need
/// the model — before admission, so each 400 costs no call: the prompt must leave room for one token
/// (<c>context_length_exceeded</c>) and <c>max_tokens</c> must fit the context (<c>max_tokens_too_large</c>).
/// </summary>
internal sealed class TextGenerationPreparer(IRuntimeSelector runtimes, EngineDeployments engines) : ICallPreparer<TextGenerationRequest, PreparedGeneration>
{
    public async ValueTask<PreparedGeneration> PrepareAsync(TextGenerationRequest request, InferenceCall call, CancellationToken ct)
    {
        if (EngineDeployments.Serves(call.Model))
        {
            // The engine renders, counts and bounds the prompt itself (its 400 is passed on).
            await engines.RequireAsync(call.Model, ModelTasks.IsTextGeneration, ct);
            return request.PassThrough is { } sent
                ? new PreparedGeneration.PassThrough(sent)
                : engines.Generation(call.Model.Id, request);
        }

        var plan = LocalConstraints.Apply(request, call.Model.Id);
        var model = await runtimes.LoadAsync<ITextGenerationModel>(call.Model, ct);
        var prompt = model.Prepare(plan.Prompt);
        var local = new PreparedGeneration.Local(model, prompt, Bound(request, model.ContextLength, prompt.TokenCount) with { Grammar = plan.Grammar });
        return plan.Tools ? new LocalToolGeneration(local) : local;
    }

    /// <summary>The request's options with <c>MaxTokens</c> bounded by the room the prompt leaves; throws 400 when the
    /// prompt or the requested <c>max_tokens</c> does not fit.</summary>
    internal static SamplingOptions Bound(TextGenerationRequest request, int contextLength, int promptTokens)
    {
        int room;
        try
        {
            room = PromptBudget.Room(promptTokens, contextLength);
        }
        catch (PromptTooLongException e)
        {
            var error = RuntimeFailures.Translate(e, string.Empty);
            throw CallException.BadRequest(error.Message, request.PromptParam, error.Code);
        }

        if (request.MaxTokens > contextLength && !request.CapMaxTokensToContext)
        {
            throw CallException.BadRequest(
                $"{request.MaxTokensParam} is {request.MaxTokens}, but this model's context holds {contextLength} tokens.",
                request.MaxTokensParam, "max_tokens_too_large");
        }

        return request.Sampling with { MaxTokens = Math.Min(request.MaxTokens ?? room, room) };
    }
}
