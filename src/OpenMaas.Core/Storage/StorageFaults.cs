using Microsoft.Extensions.Options;
using OpenMaas.Core.Diagnostics;

namespace OpenMaas.Core.Storage;

/// <summary>When a write last failed for the storage's sake (<see cref="DatabaseFailure.IsStorageFault"/>): the calls that
/// met it already failed closed (503); this tells <c>/readyz</c>, so the node gets no traffic for a while.</summary>
public sealed class StorageFaults(TimeProvider time)
{
    private long _lastTicks = long.MinValue;

    public void Report() => Interlocked.Exchange(ref _lastTicks, time.GetUtcNow().UtcTicks);

    /// <summary>When the last storage fault was reported, or null if none was.</summary>
    public DateTimeOffset? Last => Interlocked.Read(ref _lastTicks) is var ticks && ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}

/// <summary>Not ready for <see cref="DatabaseOptions.StorageFaultUnreadySeconds"/> after a storage fault.</summary>
internal sealed class StorageFaultReadiness(StorageFaults faults, TimeProvider time, IOptions<DatabaseOptions> options) : IReadinessCheck
{
    public string Name => "storage";

    public Task<string?> CheckAsync(CancellationToken ct) => Task.FromResult(
        faults.Last is { } last && time.GetUtcNow() - last < TimeSpan.FromSeconds(options.Value.StorageFaultUnreadySeconds)
            ? $"a write failed at {last:O} (disk full, read-only or I/O error)"
            : null);
}
