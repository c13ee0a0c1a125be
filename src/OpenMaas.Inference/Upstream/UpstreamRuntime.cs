using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Upstream;

/// <summary>
/// The text-generation runtime of models of format <c>upstream</c>: "loading" one only checks that it has deployments;
/// the model it returns runs calls on them. Nothing is loaded locally and nothing needs unloading.
/// </summary>
public sealed class UpstreamRuntime(UpstreamRegistry registry, UpstreamInvoker invoker) : IModelRuntime<ITextGenerationModel>
{
    public const string Format = "upstream";

    public bool CanServe(ModelDescriptor model) => model.Format == Format && model.Task is "text-generation" or "chat";

    public async ValueTask<ITextGenerationModel> GetAsync(ModelDescriptor model, CancellationToken ct)
    {
        await RequireDeploymentsAsync(registry, model.Id, ct);
        return new UpstreamTextModel(model.Id, invoker);
    }

    internal static async ValueTask RequireDeploymentsAsync(UpstreamRegistry registry, string modelId, CancellationToken ct)
    {
        if ((await registry.GetOrReloadAsync(modelId, ct)).Length == 0)
        {
            throw new ModelLoadException(modelId, "it has no upstream deployment (add one with: openmaas model add-upstream)");
        }
    }
}
