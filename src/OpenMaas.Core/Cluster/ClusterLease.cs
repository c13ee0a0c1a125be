using StackExchange.Redis;

namespace OpenMaas.Core.Cluster;

/// <summary>Lets a background job run on one node of the cluster at a time.</summary>
public interface IClusterLease
{
    /// <summary>True when this node holds (or just took, or renewed) the named lease for <paramref name="ttl"/>.</summary>
    Task<bool> TryHoldAsync(string name, TimeSpan ttl, CancellationToken ct = default);
}

/// <summary>One node (no Redis): it always holds every lease.</summary>
internal sealed class LocalLease : IClusterLease
{
    public Task<bool> TryHoldAsync(string name, TimeSpan ttl, CancellationToken ct = default) => Task.FromResult(true);
}

/// <summary>A lease in Redis: taken with SET NX PX, renewed only by its holder; lapses when the holder stops renewing.</summary>
internal sealed class RedisLease(RedisConnection redis) : IClusterLease
{
    private const string Renew = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
        return 0
        """;

    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public async Task<bool> TryHoldAsync(string name, TimeSpan ttl, CancellationToken ct = default)
    {
        try
        {
            var held = await redis.Database.ScriptEvaluateAsync(Renew, [redis.Key("lease:" + name)], [_node, (long)ttl.TotalMilliseconds]);
            return (int)held == 1;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false; // without Redis nobody can know who holds it: skip this round
        }
    }
}
