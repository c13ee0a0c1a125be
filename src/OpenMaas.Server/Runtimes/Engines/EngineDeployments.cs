using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// The runtime of models served by upstream engines, as preparers see it: nothing is loaded here, so "preparing" a
/// call only checks that the model's task is one this endpoint serves through engines and that it has deployments.
/// </summary>
internal sealed class EngineDeployments(UpstreamRegistry registry, UpstreamInvoker invoker)
{
    /// <summary>True when <paramref name="model"/> is served by engines.</summary>
    public static bool Serves(ModelRecord model) => model.Format == ModelFormats.Upstream;

    /// <summary>Throws 400 <c>model_not_supported</c> when the endpoint does not serve the model's task, and 500
    /// <c>model_load_failed</c> when the model has no deployment.</summary>
    public async ValueTask RequireAsync(ModelRecord model, Func<string, bool> endpointServes, CancellationToken ct)
    {
        if (!endpointServes(model.Task))
        {
            throw RuntimeFailures.NotSupported(model);
        }

        if ((await registry.GetOrReloadAsync(model.Id, ct)).Length == 0)
        {
            throw RuntimeFailures.LoadFailed(model);
        }
    }

    /// <summary>For an endpoint only engines serve (images, audio): a local model is a 400 <c>model_not_supported</c>,
    /// an upstream one is checked as by <see cref="RequireAsync"/>.</summary>
    public ValueTask RequireEnginesOnlyAsync(ModelRecord model, Func<string, bool> endpointServes, CancellationToken ct) =>
        Serves(model) ? RequireAsync(model, endpointServes, ct) : throw RuntimeFailures.NotSupported(model);

    /// <summary>True when a deployment of <paramref name="modelId"/> speaks <paramref name="api"/> (<see cref="UpstreamApis"/>).</summary>
    public bool AnySpeaks(string modelId, string api) => registry.Get(modelId).Any(e => e.Target.Api == api);

    /// <summary>The typed path of a text generation on the model's engines.</summary>
    public EngineGeneration Generation(string modelId, TextGenerationRequest request) => new(invoker, modelId, request);
}
