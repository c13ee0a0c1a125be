using OpenMaas.Core.Upstream;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Tests.Upstream;

public sealed class UpstreamBalancerTests
{
    private static UpstreamEndpoint Endpoint(int port, int weight = 1, int max = 100) =>
        new(new UpstreamTarget("o/m", new Uri($"http://127.0.0.1:{port}/v1"), "m", weight, null, "config"), max);

    [Fact]
    public void Picks_FewestInFlightPerWeight()
    {
        var light = Endpoint(1);
        var heavy = Endpoint(2, weight: 3);
        UpstreamEndpoint[] all = [light, heavy];
        var picks = new List<UpstreamEndpoint>();
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(UpstreamBalancer.Outcome.Picked, UpstreamBalancer.TryPick(all, 0, null, i, out var e));
            picks.Add(e!);
        }

        // Weight 3 takes three requests in flight for every one of weight 1.
        Assert.Equal(6, picks.Count(p => p == heavy));
        Assert.Equal(2, light.Outstanding);
    }

    [Fact]
    public void SkipsEjectedUnhealthyAndTried_AndSaysBusyAtTheBound()
    {
        var ejected = Endpoint(1);
        ejected.Eject(untilMs: 1000);
        var down = Endpoint(2);
        down.SetHealth(false);
        var full = Endpoint(3, max: 1);
        var tried = Endpoint(4);
        UpstreamEndpoint[] all = [ejected, down, full, tried];

        Assert.Equal(UpstreamBalancer.Outcome.Picked, UpstreamBalancer.TryPick(all, 500, [tried], 0, out var e));
        Assert.Same(full, e);
        Assert.Equal(UpstreamBalancer.Outcome.Busy, UpstreamBalancer.TryPick(all, 500, [tried], 0, out _));
        Assert.Equal(UpstreamBalancer.Outcome.Unavailable, UpstreamBalancer.TryPick([ejected, down], 500, null, 0, out _));
        // Ejection ends after its cooldown.
        Assert.Equal(UpstreamBalancer.Outcome.Picked, UpstreamBalancer.TryPick([ejected, down], 1000, null, 0, out var back));
        Assert.Same(ejected, back);
    }
}
