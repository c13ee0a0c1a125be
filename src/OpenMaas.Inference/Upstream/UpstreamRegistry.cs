using Microsoft.Extensions.Options;

namespace OpenMaas.Inference.Upstream;

/// <summary>
/// The live deployments per model: those configured in appsettings plus those in the database (CLI), re-read on
/// every health round and when a model has none yet. State (load, health, ejection) survives a reload.
/// </summary>
public sealed class UpstreamRegistry(IUpstreamSource source, IOptions<UpstreamOptions> options)
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Dictionary<string, UpstreamEndpoint[]> _byModel = new(StringComparer.Ordinal);
    private long _reloadedAtTicks;

    /// <summary>The model's deployments (empty when it has none).</summary>
    public UpstreamEndpoint[] Get(string modelId) => _byModel.TryGetValue(modelId, out var list) ? list : [];

    public IReadOnlyList<UpstreamEndpoint> All => [.. _byModel.Values.SelectMany(e => e)];

    /// <summary>The model's deployments, re-reading the store first when there are none (just added by the CLI).
    /// Re-reads at most once per 250 ms, so a model without deployments cannot turn every call into a query.</summary>
    public async ValueTask<UpstreamEndpoint[]> GetOrReloadAsync(string modelId, CancellationToken ct)
    {
        var list = Get(modelId);
        if (list.Length > 0 || Environment.TickCount64 - Interlocked.Read(ref _reloadedAtTicks) < 250)
        {
            return list;
        }

        await ReloadAsync(ct);
        return Get(modelId);
    }

    public async Task ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            var settings = options.Value;
            var targets = new List<UpstreamTarget>(Configured(settings));
            targets.AddRange(await source.ListAsync(ct));
            var current = _byModel.Values.SelectMany(e => e).ToDictionary(e => e.Target.Key, StringComparer.Ordinal);
            _byModel = targets
                .DistinctBy(t => t.Key)
                .Select(t => current.TryGetValue(t.Key, out var live) && Same(live.Target, t) ? live : new UpstreamEndpoint(t, settings.MaxOutstandingPerDeployment))
                .GroupBy(e => e.Target.ModelId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
            Interlocked.Exchange(ref _reloadedAtTicks, Environment.TickCount64);
        }
        finally
        {
            _reload.Release();
        }
    }

    private static bool Same(UpstreamTarget a, UpstreamTarget b) =>
        a.Weight == b.Weight && a.Api == b.Api && string.Equals(a.ApiKey?.Reveal(), b.ApiKey?.Reveal(), StringComparison.Ordinal);

    internal static IEnumerable<UpstreamTarget> Configured(UpstreamOptions settings) =>
        from model in settings.Models
        from d in model.Value.Deployments
        select new UpstreamTarget(
            model.Key, UpstreamUrl.Normalize(d.Url), d.UpstreamModel ?? model.Key, d.Weight,
            string.IsNullOrEmpty(d.ApiKey) ? null : new UpstreamApiKey(d.ApiKey), "config") { Api = d.Api };
}
