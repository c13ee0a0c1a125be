using OpenMaas.Core.Upstream;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>The CLI's deployments (database) as the upstream runtime's targets.</summary>
internal sealed class StoredUpstreamSource(IUpstreamStore store) : IUpstreamSource
{
    public async Task<IReadOnlyList<UpstreamTarget>> ListAsync(CancellationToken ct) =>
        [.. (await store.ListAsync(null, ct)).Select(ToTarget)];

    public static UpstreamTarget ToTarget(StoredUpstream d) =>
        new(d.ModelId, d.BaseUrl, d.UpstreamModel, d.Weight, d.ApiKey is null ? null : new UpstreamApiKey(d.ApiKey), "db") { Api = d.Api };
}
