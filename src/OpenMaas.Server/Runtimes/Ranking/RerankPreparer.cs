using Microsoft.Extensions.Options;
using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Onnx;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Server.Runtimes.Ranking;

/// <summary>
/// Readies a rerank call before admission: a cross-encoder (task <c>text-ranking</c>) or a sentence-embedding model
/// (scores by cosine) is loaded and the texts tokenized; a model served by engines is only checked for deployments
/// (the engine tokenizes, checks and scores). More documents than <see cref="RerankOptions.MaxDocuments"/> is a 400.
/// </summary>
internal sealed class RerankPreparer(IRuntimeSelector runtimes, EngineDeployments engines, EngineRerank engineRerank, IOptions<RerankOptions> options)
    : ICallPreparer<RerankRequest, PreparedRerank>
{
    public async ValueTask<PreparedRerank> PrepareAsync(RerankRequest request, InferenceCall call, CancellationToken ct)
    {
        CheckCount(request.Documents.Count, request.DocumentsParam);
        if (EngineDeployments.Serves(call.Model))
        {
            await engines.RequireAsync(call.Model, UpstreamModels.IsTextRanking, ct);
            if (engines.AnySpeaks(call.Model.Id, UpstreamApis.Tei))
            {
                // Text Embeddings Inference ranks in its own shape: translated, its scores unchanged.
                return new PreparedRerank.Engine(engineRerank, request.Query, request.Documents) { ModelId = call.Model.Id };
            }

            return new PreparedRerank.PassThrough(request.PassThrough
                ?? throw RuntimeFailures.NotSupported(call.Model)) { ModelId = call.Model.Id }; // only OpenAI's shape reaches an engine's rerank
        }

        return await PrepareLocalAsync(call.Model, request.Query, request.Documents, ct);
    }

    /// <summary>The task API's path: a local model is loaded and the texts tokenized; a model served by engines gets
    /// the typed path (the engine's scores in the documents' order).</summary>
    public async ValueTask<PreparedRerank> PrepareTypedAsync(ModelRecord model, string query, IReadOnlyList<string> documents, CancellationToken ct)
    {
        if (!EngineDeployments.Serves(model))
        {
            return await PrepareLocalAsync(model, query, documents, ct);
        }

        await engines.RequireAsync(model, UpstreamModels.IsTextRanking, ct);
        return new PreparedRerank.Engine(engineRerank, query, documents) { ModelId = model.Id };
    }

    /// <summary>Loads the local model and tokenizes.</summary>
    private async ValueTask<PreparedRerank> PrepareLocalAsync(ModelRecord model, string query, IReadOnlyList<string> documents, CancellationToken ct)
    {
        if (model.Task == OnnxTasks.TextRanking)
        {
            var ranker = await runtimes.LoadAsync<IRerankModel>(model, ct);
            return new PreparedRerank.CrossEncoder(ranker, ranker.Tokenize(query), [.. documents.Select(ranker.Tokenize)]) { ModelId = model.Id };
        }

        if (model.Task == OnnxTasks.SentenceEmbedding)
        {
            var encoder = await runtimes.LoadAsync<IEmbeddingModel>(model, ct);
            return new PreparedRerank.Cosine(encoder, encoder.Tokenize(query), [.. documents.Select(encoder.Tokenize)]) { ModelId = model.Id };
        }

        throw RuntimeFailures.NotSupported(model);
    }

    /// <summary>The server's document limit (a 400 that names it).</summary>
    public void CheckCount(int documents, string param)
    {
        var max = options.Value.MaxDocuments;
        if (documents > max)
        {
            throw CallException.BadRequest($"'{param}' has {documents} items; at most {max} are allowed per request on this server.", param, "too_many_documents");
        }
    }
}
