namespace OpenMaas.Core.Usage;

/// <summary>The durable usage log. Appends are group-committed; the returned task completes once the record is
/// committed, so a caller that awaits it before finishing its response never loses a completed call.</summary>
public interface IUsageLog
{
    Task AppendAsync(UsageRecord record, CancellationToken ct = default);
}
