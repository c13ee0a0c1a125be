namespace OpenMaas.Core.Cluster;

/// <summary>
/// The Lua scripts of the Redis quota counter. Daily counters of one user and local day are fields of one hash
/// (<c>total</c>, <c>m:MODEL</c>, <c>t:TOKEN</c>, <c>o:ORG</c> for the member's pool), an organisation's day is another
/// (<c>total</c>), and every per-minute counter of one UTC minute is a field of that minute's hash: an admission checks
/// every (key, field, limit, increment) entry it is given and counts all of them or none, atomically, in one round trip. A generation key tells a Redis that
/// lost its data (restart without persistence) from one that holds the counters: scripts refuse to count without it.
/// </summary>
internal static class QuotaScripts
{
    /// <summary>KEYS: generation, then the hashes the entries name (user-day, organisation-day, minute window; the minute
    /// window last when <c>ARGV[3]</c> is not 0). ARGV: known generation, day expire-at (unix s), minute expire-at (0: no
    /// minute hash), the node's open-calls hash, the call's id ('' : not tracked), what to keep under it, the node's
    /// heartbeat key, its time to live (ms), the set of nodes and the node's id (<see cref="NodeScripts"/>), then entries of four: key index, field, limit, increment. Every entry is checked
    /// (count + increment must stay within the limit) before any is counted; all are counted or none, and an admitted
    /// call with an id is kept open under its node in the same step.
    /// Returns {1, 0, counts…} admitted (counts after), {0, i, counts…} refused by entry i, {-2} no generation, {-3} another generation.</summary>
    public const string Admit = """
        local gen = redis.call('GET', KEYS[1])
        if not gen then return {-2} end
        if gen ~= ARGV[1] then return {-3} end
        local counts = {}
        local refused = 0
        local n = (#ARGV - 10) / 4
        for i = 1, n do
          local b = 4 * i + 7
          local c = tonumber(redis.call('HGET', KEYS[tonumber(ARGV[b])], ARGV[b + 1]) or '0')
          counts[i] = c
          if refused == 0 and c + tonumber(ARGV[b + 3]) > tonumber(ARGV[b + 2]) then refused = i end
        end
        if refused == 0 then
          for i = 1, n do
            local b = 4 * i + 7
            counts[i] = redis.call('HINCRBY', KEYS[tonumber(ARGV[b])], ARGV[b + 1], ARGV[b + 3])
          end
          if ARGV[5] ~= '' then
            redis.call('HSET', ARGV[4], ARGV[5], ARGV[6])
            redis.call('EXPIREAT', ARGV[4], ARGV[2])
            if redis.call('SET', ARGV[7], '1', 'PX', ARGV[8], 'NX') then redis.call('SADD', ARGV[9], ARGV[10]) end
          end
          for k = 2, #KEYS do
            if k == #KEYS and ARGV[3] ~= '0' then redis.call('EXPIREAT', KEYS[k], ARGV[3]) else redis.call('EXPIREAT', KEYS[k], ARGV[2]) end
          end
        end
        table.insert(counts, 1, refused)
        table.insert(counts, 1, refused == 0 and 1 or 0)
        return counts
        """;

    /// <summary>KEYS: generation, then hashes. ARGV: known generation, the node's open-calls and given-back hashes, the
    /// call's id ('': a change not tied to an open call), then entries of three: key index, field, change. Adds each change
    /// to its counter, never below 0 (a refund gives a call back; a settlement corrects an estimate). With a call id the
    /// call is closed in the same step, and nothing is changed when a recovery gave it back already.</summary>
    public const string Adjust = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if ARGV[4] ~= '' and redis.call('HDEL', ARGV[2], ARGV[4]) == 0 and redis.call('HDEL', ARGV[3], ARGV[4]) == 1 then return 0 end
        for i = 5, #ARGV, 3 do
          local key = KEYS[tonumber(ARGV[i])]
          local cur = tonumber(redis.call('HGET', key, ARGV[i + 1]) or '0')
          local change = tonumber(ARGV[i + 2])
          if cur + change < 0 then change = -cur end
          if change ~= 0 then redis.call('HINCRBY', key, ARGV[i + 1], change) end
        end
        return 1
        """;

    /// <summary>KEYS: generation. ARGV: new generation, expire-at, then hash/field/value triples. Sets each counter to at
    /// least the value (counts from the usage log), then the generation; does nothing when a generation exists.</summary>
    public const string Rebuild = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        for i = 3, #ARGV, 3 do
          local cur = tonumber(redis.call('HGET', ARGV[i], ARGV[i + 1]) or '0')
          if tonumber(ARGV[i + 2]) > cur then redis.call('HSET', ARGV[i], ARGV[i + 1], ARGV[i + 2]) end
          redis.call('EXPIREAT', ARGV[i], ARGV[2])
        end
        redis.call('SET', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>KEYS: generation. ARGV: expected generation, expire-at, then hash/field/increment triples: a node adds the
    /// calls it has in flight (admitted under the lost generation, not yet in the usage log) to a rebuilt generation.</summary>
    public const string Adopt = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        for i = 3, #ARGV, 3 do
          redis.call('HINCRBY', ARGV[i], ARGV[i + 1], ARGV[i + 2])
          redis.call('EXPIREAT', ARGV[i], ARGV[2])
        end
        return 1
        """;
}
