using Microsoft.Extensions.Options;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Tests.Upstream;

/// <summary>The registry re-reads the store for a model it has no deployments of: a model added by the CLI a moment
/// after the last re-read must still be found (found by the gateway bench as a rare 500 <c>model_load_failed</c> on the
/// first call to a model added while the server ran).</summary>
public sealed class UpstreamRegistryTests
{
    private sealed class Source : IUpstreamSource
    {
        public volatile IReadOnlyList<UpstreamTarget> Targets = [];

        public int Reads;

        public Task<IReadOnlyList<UpstreamTarget>> ListAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref Reads);
            return Task.FromResult(Targets);
        }
    }

    private static UpstreamTarget Target(string model) => new(model, new Uri("http://127.0.0.1:9/v1"), "m", 1, null, "test");

    [Fact]
    public async Task AModelAddedRightAfterARereadIsFound_OnItsFirstCall()
    {
        var source = new Source();
        var registry = new UpstreamRegistry(source, Options.Create(new UpstreamOptions()));
        await registry.ReloadAsync(CancellationToken.None); // e.g. the change notice of another model, a moment ago
        source.Targets = [Target("team/new")]; // the CLI commits the new model now

        var found = await registry.GetOrReloadAsync("team/new", CancellationToken.None);

        Assert.Single(found);
    }

    [Fact]
    public async Task AModelWithoutDeployments_CostsAtMostOneReadPerInterval_HoweverManyCallsAsk()
    {
        var source = new Source();
        var registry = new UpstreamRegistry(source, Options.Create(new UpstreamOptions()));
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => registry.GetOrReloadAsync("team/none", CancellationToken.None).AsTask()));
        var elapsedMs = started.ElapsedMilliseconds;

        // 50 concurrent calls share re-reads, spaced at least 250 ms apart: never one read per call.
        Assert.InRange(source.Reads, 1, 2 + (int)(elapsedMs / 250));
        Assert.True(source.Reads < 50, $"{source.Reads} reads for 50 calls");
    }
}
