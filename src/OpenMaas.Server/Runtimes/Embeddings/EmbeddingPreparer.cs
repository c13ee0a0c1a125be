using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Server.Runtimes.Embeddings;

/// <summary>Loads the model on its embedding runtime, tokenizes the texts and checks what needs the model (token ids
/// within the vocabulary, <c>dimensions</c> the model can give) — all 400s before admission. A model served by
/// upstream engines is only checked for deployments: the engine tokenizes and checks (its 400 is passed on).</summary>
internal sealed class EmbeddingPreparer(IRuntimeSelector runtimes, EngineDeployments engines) : ICallPreparer<EmbeddingRequest, PreparedEmbedding>
{
    public async ValueTask<PreparedEmbedding> PrepareAsync(EmbeddingRequest request, InferenceCall call, CancellationToken ct)
    {
        if (EngineDeployments.Serves(call.Model))
        {
            await engines.RequireAsync(call.Model, UpstreamModels.IsEmbedding, ct);
            return new PreparedEmbedding.PassThrough(request.PassThrough
                ?? throw RuntimeFailures.NotSupported(call.Model)); // only OpenAI's shape reaches an engine's embeddings
        }

        var model = await runtimes.LoadAsync<IEmbeddingModel>(call.Model, ct);
        if (request.Dimensions is { } dimensions && dimensions != model.Dimensions)
        {
            throw CallException.BadRequest(
                $"Model '{model.Id}' gives {model.Dimensions}-dimensional embeddings and cannot shorten them; omit 'dimensions' or send {model.Dimensions}.",
                "dimensions", "dimensions_not_supported");
        }

        var tokens = new IReadOnlyList<int>[request.Inputs.Count];
        for (var i = 0; i < tokens.Length; i++)
        {
            var input = request.Inputs[i];
            tokens[i] = input.Tokens ?? model.Tokenize(input.Text!);
            if (input.Tokens?.FirstOrDefault(t => t >= model.VocabularySize, -1) is >= 0 and var bad)
            {
                throw CallException.BadRequest($"Token id {bad} in {request.InputParam}[{i}] is outside this model's vocabulary (0..{model.VocabularySize - 1}).", $"{request.InputParam}[{i}]", "invalid_token");
            }
        }

        return new PreparedEmbedding.Local(model, tokens);
    }
}
