using System.Collections.Concurrent;
using System.Globalization;
using OpenMaas.Core.Quota;
using StackExchange.Redis;

namespace OpenMaas.Core.Cluster;

/// <summary>
/// This node's identity in Redis and the calls it admitted there under their request ids (<see cref="NodeScripts"/>):
/// names the keys, and queues the ids of calls whose counted record is durable, which <see cref="DeadNodeRecovery"/>
/// closes in batches (closing late is harmless: a recovery checks the usage log before it gives a call back).
/// </summary>
internal sealed class NodeCalls(RedisConnection redis)
{
    /// <summary>Closed ids kept for the next batch at most; beyond, an id stays open until the day's hash expires (a
    /// recovery still finds its record and gives nothing back).</summary>
    private const int MaxPending = 100_000;
    private readonly ConcurrentQueue<string> _closed = new();

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public RedisKey Nodes => redis.Key("quota:nodes");

    public TimeSpan Timeout => TimeSpan.FromMilliseconds(redis.Options.NodeTimeoutMs);

    public RedisKey Open(string node) => redis.Key("quota:open:" + node);

    public RedisKey GivenBack(string node) => redis.Key("quota:reaped:" + node);

    public RedisKey Heartbeat(string node) => redis.Key("quota:node:" + node);

    /// <summary>What the open-calls hash keeps for an admitted call: generation and day, then each counter it was counted in.</summary>
    public static string Entry(string generation, DateOnly day, RedisKey[] keys, RedisAdmissionPlan plan) =>
        generation + "\t" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + string.Concat(plan.Entries.Select(e =>
            "\n" + (string)keys[e.Key - 1]! + "\t" + e.Field + "\t" + e.Increment.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The day an entry was admitted on.</summary>
    public static DateOnly DayOf(string entry) =>
        entry.Split('\n', 2)[0].Split('\t') is [_, var day] && DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : DateOnly.MinValue;

    /// <summary>The arguments the admission script takes after its first three (see <see cref="QuotaScripts.Admit"/>).</summary>
    public RedisValue[] AdmitArguments(string? callId, string entry) =>
        callId is null
            ? [string.Empty, string.Empty, string.Empty, string.Empty, 0, string.Empty, string.Empty]
            : [(string)Open(Id)!, callId, entry, (string)Heartbeat(Id)!, redis.Options.NodeTimeoutMs, (string)Nodes!, Id];

    /// <summary>The call's counted record is durable: close it with the next batch.</summary>
    public void Closed(string callId)
    {
        if (_closed.Count < MaxPending)
        {
            _closed.Enqueue(callId);
        }
    }

    /// <summary>Up to <paramref name="max"/> closed ids, oldest first.</summary>
    public List<string> TakeClosed(int max)
    {
        var batch = new List<string>();
        while (batch.Count < max && _closed.TryDequeue(out var id))
        {
            batch.Add(id);
        }

        return batch;
    }
}
