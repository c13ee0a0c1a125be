using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenMaas.Core.Usage;
using StackExchange.Redis;

namespace OpenMaas.Core.Cluster;

/// <summary>
/// Every third of <see cref="RedisOptions.NodeTimeoutMs"/>: renews this node's heartbeat, closes the calls it settled
/// since, and gives back the open calls of every node whose heartbeat is gone that have no counted record in the usage
/// log (<see cref="NodeScripts"/>) — so the shared counters hold exactly what the log holds after a node was killed.
/// </summary>
internal sealed class DeadNodeRecovery(
    RedisConnection redis,
    NodeCalls node,
    IUsageQueries usage,
    TimeProvider clock,
    ILogger<DeadNodeRecovery> logger) : BackgroundService
{
    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(node.Timeout / 3, clock);
        do
        {
            try
            {
                await RoundAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Redis or the database away, or anything else: the next round tries again (a failed round only delays
                // a recovery, it never gives back a recorded call).
                ClusterLog.LogRecoveryFailed(logger, e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task RoundAsync(CancellationToken ct)
    {
        var db = redis.Database;
        await db.ScriptEvaluateAsync(NodeScripts.Heartbeat, values: [(string)node.Heartbeat(node.Id)!, (long)node.Timeout.TotalMilliseconds, (string)node.Nodes!, node.Id]);
        for (var closed = node.TakeClosed(Batch); closed.Count > 0; closed = node.TakeClosed(Batch))
        {
            try
            {
                var again = (int)await db.ScriptEvaluateAsync(NodeScripts.Settle, [redis.Key("quota:generation")],
                    [(string)node.Open(node.Id)!, (string)node.GivenBack(node.Id)!, .. closed.Select(id => (RedisValue)id)]);
                if (again > 0)
                {
                    ClusterLog.LogCountedAgain(logger, again);
                }
            }
            catch
            {
                closed.ForEach(node.Closed); // tried again next round
                throw;
            }
        }

        foreach (var other in await db.SetMembersAsync(node.Nodes))
        {
            var id = (string)other!;
            if (id != node.Id && !await db.KeyExistsAsync(node.Heartbeat(id)))
            {
                await ReapAsync(id, ct);
            }
        }
    }

    /// <summary>Gives back the dead node's open calls that have no counted record; one node at a time does it.</summary>
    private async Task ReapAsync(string dead, CancellationToken ct)
    {
        var db = redis.Database;
        var lockKey = redis.Key("quota:reaping:" + dead);
        if (!await db.StringSetAsync(lockKey, node.Id, TimeSpan.FromSeconds(30), When.NotExists))
        {
            return;
        }

        try
        {
            var open = await db.HashGetAllAsync(node.Open(dead));
            var given = 0;
            foreach (var chunk in open.Chunk(Batch))
            {
                var days = chunk.Select(e => NodeCalls.DayOf(e.Value!)).Distinct().ToList();
                var ids = chunk.Select(e => (string)e.Name!).ToList();
                var recorded = await usage.CountedRequestIdsAsync(days, ids, ct);
                var expireAt = days.Max().AddDays(2).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
                var args = new List<RedisValue>
                {
                    (string)node.Open(dead)!, (string)node.GivenBack(dead)!, (string)node.Nodes!, dead, new DateTimeOffset(expireAt).ToUnixTimeSeconds(),
                };
                foreach (var id in ids)
                {
                    args.Add(id);
                    args.Add(recorded.Contains(id) ? 0 : 1);
                }

                given += (int)await db.ScriptEvaluateAsync(NodeScripts.Reap, [redis.Key("quota:generation")], [.. args]);
            }

            if (open.Length == 0)
            {
                await db.SetRemoveAsync(node.Nodes, dead);
            }

            ClusterLog.LogReaped(logger, dead, open.Length, given);
        }
        finally
        {
            await db.KeyDeleteAsync(lockKey);
        }
    }
}
