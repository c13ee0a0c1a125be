using Microsoft.Extensions.Logging;
using OpenMaas.Core.Storage;
using StackExchange.Redis;

namespace OpenMaas.Core.Cluster;

/// <summary>
/// The change notice across nodes: a change publishes on a Redis channel after its commit; every node's subscriber
/// moves its local value, so its caches of tokens and limits drop within milliseconds. While the subscription is
/// down a notice could be missed, so then every read returns a new value (no cache hit) and reconnecting moves it
/// once more. The data folder's stamp is kept as well, for CLI verbs run on a node's own folder.
/// </summary>
internal sealed class RedisChangeNotice : IChangeNotice
{
    private readonly RedisConnection _redis;
    private readonly AuthStamp _stamp;
    private readonly ILogger<RedisChangeNotice> _logger;
    private readonly Lazy<ISubscriber> _subscriber;
    private long _value = Random.Shared.NextInt64();

    public RedisChangeNotice(RedisConnection redis, AuthStamp stamp, ILogger<RedisChangeNotice> logger)
    {
        _redis = redis;
        _stamp = stamp;
        _logger = logger;
        _subscriber = new(Subscribe);
    }

    private RedisChannel Channel => RedisChannel.Literal(_redis.Key("changes"));

    public long Read()
    {
        var subscriber = _subscriber.Value;
        if (!subscriber.IsConnected(Channel))
        {
            return Random.Shared.NextInt64();
        }

        return Volatile.Read(ref _value) ^ _stamp.Read();
    }

    public void Bump()
    {
        _stamp.Bump();
        Move();
        try
        {
            _subscriber.Value.Publish(Channel, "changed");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Nodes that missed it are cut off from Redis too, and drop their caches when they reconnect.
            ClusterLog.LogPublishFailed(_logger, e.GetType().Name);
        }
    }

    /// <summary>Subscribes at start, so the first change after it is not missed.</summary>
    public void Start() => _ = _subscriber.Value;

    private ISubscriber Subscribe()
    {
        var multiplexer = _redis.Multiplexer;
        multiplexer.ConnectionRestored += (_, _) => Move();
        multiplexer.ConnectionFailed += (_, _) => Move();
        var subscriber = multiplexer.GetSubscriber();
        try
        {
            subscriber.Subscribe(Channel, (_, _) => Move());
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Subscriptions are restored by the multiplexer when it reconnects.
            ClusterLog.LogPublishFailed(_logger, e.GetType().Name);
        }

        return subscriber;
    }

    private void Move() => Interlocked.Exchange(ref _value, Random.Shared.NextInt64());
}
