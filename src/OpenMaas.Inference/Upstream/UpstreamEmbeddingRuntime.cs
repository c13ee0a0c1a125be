using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Upstream;

/// <summary>The embeddings runtime of models of format <c>upstream</c> with an embedding task: like
/// <see cref="UpstreamRuntime"/>, "loading" only checks that the model has deployments.</summary>
public sealed class UpstreamEmbeddingRuntime(UpstreamRegistry registry) : IModelRuntime<UpstreamEmbeddingModel>
{
    public bool CanServe(ModelDescriptor model) => model.Format == UpstreamRuntime.Format && UpstreamEmbeddingModel.IsEmbeddingTask(model.Task);

    public async ValueTask<UpstreamEmbeddingModel> GetAsync(ModelDescriptor model, CancellationToken ct)
    {
        await UpstreamRuntime.RequireDeploymentsAsync(registry, model.Id, ct);
        return new UpstreamEmbeddingModel(model.Id);
    }
}
