using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Server.Runtimes.Images;

/// <summary>Image generation runs on engines only (no local image runtime): a model served by engines with task
/// <c>text-to-image-synthesis</c> and deployments is ready; any other model is a 400 before admission.</summary>
internal sealed class ImagePreparer(EngineDeployments engines) : ICallPreparer<ImageRequest, PreparedImages>
{
    public async ValueTask<PreparedImages> PrepareAsync(ImageRequest request, InferenceCall call, CancellationToken ct)
    {
        await engines.RequireEnginesOnlyAsync(call.Model, UpstreamModels.IsImageGeneration, ct);
        return new PreparedImages(call.Model.Id);
    }
}
