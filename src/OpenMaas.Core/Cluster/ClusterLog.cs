using Microsoft.Extensions.Logging;

namespace OpenMaas.Core.Cluster;

/// <summary>Log messages of the cluster area (Redis connection, counters, change notices): event ids 3201–3299.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} lost ({Failure}); quota calls fail closed until it is back")]
    public static partial void LogLost(ILogger logger, string endPoint, string failure);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Redis connection to {EndPoint} restored")]
    public static partial void LogRestored(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Quota: Redis unavailable ({Error}); the call is refused (fail closed)")]
    public static partial void LogUnavailable(ILogger logger, string error);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Quota: Redis unavailable ({Error}); counting in this process (Redis:WhenUnavailable=CountLocally)")]
    public static partial void LogLocal(ILogger logger, string error);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning, Message = "Quota: Redis had no counters; rebuilt {Calls} calls of {Day} from the usage log and the calls in flight")]
    public static partial void LogRebuilt(ILogger logger, int calls, DateOnly day);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "Change notice: Redis unavailable ({Error}); other nodes drop their caches when they reconnect")]
    public static partial void LogPublishFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Warning, Message = "Quota: node {Node} stopped sending heartbeats; of its {Open} open calls, {GivenBack} had no counted record and were given back")]
    public static partial void LogReaped(ILogger logger, string node, int open, int givenBack);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Warning, Message = "Quota: {Calls} calls of this node were given back while it was presumed dead and are counted again now that they are recorded")]
    public static partial void LogCountedAgain(ILogger logger, int calls);

    [LoggerMessage(EventId = 3209, Level = LogLevel.Warning, Message = "Quota: heartbeat or dead-node recovery failed ({Error}); tried again next round")]
    public static partial void LogRecoveryFailed(ILogger logger, string error);
}
