using OpenMaas.Core.Cluster;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// A retention job: at start and every <see cref="Period"/>, removes what expired — in a cluster only on the node that
/// holds the job's lease (held for 2.5 periods, so one missed round does not hand it over). A failed round is logged and
/// the next one tries again.
/// </summary>
internal abstract class LeasedRetention(IClusterLease lease, TimeProvider clock) : BackgroundService
{
    /// <summary>The clock the job runs on (what its cutoffs are taken from).</summary>
    protected TimeProvider Clock => clock;

    protected abstract string LeaseName { get; }

    protected abstract TimeSpan Period { get; }

    protected abstract Task<int> RemoveExpiredAsync(CancellationToken ct);

    protected abstract void Removed(int count);

    protected abstract void Failed(Exception e);

    /// <summary>One round: removes what expired when this node holds the lease; returns how many went.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct) =>
        await lease.TryHoldAsync(LeaseName, Period * 2.5, ct) ? await RemoveExpiredAsync(ct) : 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        do
        {
            try
            {
                if (await RunOnceAsync(stoppingToken) is var removed and > 0)
                {
                    Removed(removed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Failed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
