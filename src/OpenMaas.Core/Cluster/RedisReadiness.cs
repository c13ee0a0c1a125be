using System.Diagnostics;
using OpenMaas.Core.Diagnostics;

namespace OpenMaas.Core.Cluster;

/// <summary>Redis answers PING.</summary>
internal sealed class RedisReadiness(RedisConnection redis) : IReadinessCheck
{
    public string Name => "redis";

    public async Task<string?> CheckAsync(CancellationToken ct)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            await redis.Database.PingAsync();
            OpenMaasMeter.RedisRoundTrip(started, "ping");
            return null;
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            return e.GetType().Name;
        }
    }
}
