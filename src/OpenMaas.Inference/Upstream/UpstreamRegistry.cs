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
    private const long MinReloadIntervalMs = 250;
    private long _reloadStartedTicks = long.MinValue / 2;

    /// <summary>The model's deployments (empty when it has none).</summary>
    public UpstreamEndpoint[] Get(string modelId) => _byModel.TryGetValue(modelId, out var list) ? list : [];

    public IReadOnlyList<UpstreamEndpoint> All => [.. _byModel.Values.SelectMany(e => e)];

    /// <summary>The model's deployments, re-reading the store first when there are none (just added by the CLI): a
    /// re-read that began after this call asked is enough; otherwise one starts, at least 250 ms after the previous one
    /// began (so a model without deployments cannot turn every call into a query), shared by the calls waiting.</summary>
    public async ValueTask<UpstreamEndpoint[]> GetOrReloadAsync(string modelId, CancellationToken ct)
    {
        var list = Get(modelId);
        if (list.Length > 0)
        {
            return list;
        }

        var asked = Environment.TickCount64;
        await _reload.WaitAsync(ct);
        try
        {
            // A re-read that began at or before this call asked may have missed a model committed just before it.
            var startedAt = Interlocked.Read(ref _reloadStartedTicks);
            if (startedAt <= asked)
            {
                var wait = MinReloadIntervalMs - (Environment.TickCount64 - startedAt);
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), ct);
                }

                await ReloadLockedAsync(ct);
            }
        }
        finally
        {
            _reload.Release();
        }

        return Get(modelId);
    }

    public async Task ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            await ReloadLockedAsync(ct);
        }
        finally
        {
            _reload.Release();
        }
    }

    private async Task ReloadLockedAsync(CancellationToken ct)
    {
        Interlocked.Exchange(ref _reloadStartedTicks, Environment.TickCount64);
        var settings = options.Value;
        var targets = new List<UpstreamTarget>(Configured(settings));
        targets.AddRange(await source.ListAsync(ct));
        var current = _byModel.Values.SelectMany(e => e).ToDictionary(e => e.Target.Key, StringComparer.Ordinal);
        _byModel = targets
            .DistinctBy(t => t.Key)
            .Select(t => current.TryGetValue(t.Key, out var live) && Same(live.Target, t) ? live : new UpstreamEndpoint(t, settings.MaxOutstandingPerDeployment))
            .GroupBy(e => e.Target.ModelId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
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
