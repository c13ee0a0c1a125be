namespace OpenMaas.Inference.Upstream;

/// <summary>Weighted least-outstanding-requests choice among the routable deployments of a model.</summary>
internal static class UpstreamBalancer
{
    public enum Outcome
    {
        Picked,

        /// <summary>Routable deployments exist but every one is at its bound of requests in flight.</summary>
        Busy,

        /// <summary>No deployment is healthy and out of ejection (or all were tried).</summary>
        Unavailable,
    }

    /// <summary>Picks and acquires the deployment with the fewest requests in flight per unit of weight, skipping
    /// <paramref name="tried"/>. Ties go to a rotating start, so equal deployments share the load.</summary>
    public static Outcome TryPick(UpstreamEndpoint[] endpoints, long nowMs, IReadOnlyCollection<UpstreamEndpoint>? tried, int rotation, out UpstreamEndpoint? picked)
    {
        picked = null;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            UpstreamEndpoint? best = null;
            var sawFull = false;
            var n = endpoints.Length;
            for (var k = 0; k < n; k++)
            {
                var e = endpoints[(int)((uint)(rotation + k) % (uint)n)];
                if (!e.IsRoutable(nowMs) || (tried is not null && tried.Contains(e)))
                {
                    continue;
                }

                var load = e.Outstanding;
                if (load >= e.MaxOutstanding)
                {
                    sawFull = true;
                    continue;
                }

                // (load+1)/weight compared without division.
                if (best is null || (long)(load + 1) * best.Target.Weight < (long)(best.Outstanding + 1) * e.Target.Weight)
                {
                    best = e;
                }
            }

            if (best is null)
            {
                return sawFull ? Outcome.Busy : Outcome.Unavailable;
            }

            if (best.TryAcquire())
            {
                picked = best;
                return Outcome.Picked;
            }

            // Raced to its bound by another request: choose again.
        }

        return Outcome.Busy;
    }
}
