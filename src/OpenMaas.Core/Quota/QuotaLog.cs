using Microsoft.Extensions.Logging;

namespace OpenMaas.Core.Quota;

/// <summary>Log events of the quota counters and the usage log (event ids 3000–3199).</summary>
internal static partial class QuotaLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Quota counters rebuilt from the usage log: {Calls} calls by {Users} users on {Day}")]
    public static partial void Rebuilt(ILogger logger, int calls, int users, DateOnly day);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Usage log: committing {Count} records failed")]
    public static partial void UsageCommitFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Usage log: the fsync of the write-ahead log failed; records of the last window may not survive a power cut")]
    public static partial void UsageFlushFailed(ILogger logger, Exception exception);
}
