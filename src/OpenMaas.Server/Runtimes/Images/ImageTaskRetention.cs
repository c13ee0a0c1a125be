using Microsoft.Extensions.Options;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Tasks;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Images;

/// <summary>Removes finished tasks submitted more than <c>Images:TaskRetentionHours</c> ago, and whatever of their
/// images is still on disk, at start and every <c>Images:TaskCleanupSeconds</c>; in a cluster only the holder of the
/// <c>image-task-retention</c> lease does it. Pending and running tasks stay (the worker and its timeout own them).</summary>
internal sealed class ImageTaskRetention(
    InferenceTaskStore store, ImageStore images, IClusterLease lease, IOptions<ImageOptions> options, TimeProvider clock, ILogger<ImageTaskRetention> logger)
    : LeasedRetention(lease, clock)
{
    // Rows per delete: one statement stays short however many tasks expired at once.
    private const int Batch = 1000;

    protected override string LeaseName => "image-task-retention";

    protected override TimeSpan Period => TimeSpan.FromSeconds(options.Value.TaskCleanupSeconds);

    protected override async Task<int> RemoveExpiredAsync(CancellationToken ct)
    {
        var cutoff = Clock.GetUtcNow() - TimeSpan.FromHours(options.Value.TaskRetentionHours);
        var total = 0;
        while (true)
        {
            var (removed, outputs) = await store.RemoveFinishedAsync(cutoff, Batch, ct);
            foreach (var name in outputs)
            {
                images.Remove(name);
            }

            total += removed;
            if (removed < Batch)
            {
                return total;
            }
        }
    }

    protected override void Removed(int count) => ImageTaskLog.Removed(logger, count);

    protected override void Failed(Exception e) => ImageTaskLog.RetentionFailed(logger, e);
}
