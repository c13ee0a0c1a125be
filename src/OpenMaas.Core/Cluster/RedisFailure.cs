using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace OpenMaas.Core.Cluster;

/// <summary>Tells a Redis client failure from other errors. The type test is in a method of its own, compiled only when
/// an error reaches it, so a node without Redis never loads the Redis client for an exception filter.</summary>
public static class RedisFailure
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Is(Exception error) => error is RedisException or RedisTimeoutException;
}
