namespace OpenMaas.Core.Cluster;

/// <summary>
/// The Lua scripts of the Redis quota counter. Counters of one user and local day are fields of one hash
/// (<c>total</c>, <c>m:MODEL</c>, and any further per-call counter such as a token's): an admission checks every
/// (field, limit) pair it is given and counts all of them or none, atomically. A generation key tells a Redis that
/// lost its data (restart without persistence) from one that holds the counters: scripts refuse to count without it.
/// </summary>
internal static class QuotaScripts
{
    /// <summary>KEYS: generation, user-day hash. ARGV: known generation, expire-at (unix s), then field/limit pairs.
    /// Returns {1, 0, counts…} admitted (counts after), {0, i, counts…} refused by pair i, {-2} no generation, {-3} another generation.</summary>
    public const string Admit = """
        local gen = redis.call('GET', KEYS[1])
        if not gen then return {-2} end
        if gen ~= ARGV[1] then return {-3} end
        local counts = {}
        local refused = 0
        local n = (#ARGV - 2) / 2
        for i = 1, n do
          local c = tonumber(redis.call('HGET', KEYS[2], ARGV[1 + 2 * i]) or '0')
          counts[i] = c
          if refused == 0 and c >= tonumber(ARGV[2 + 2 * i]) then refused = i end
        end
        if refused == 0 then
          for i = 1, n do counts[i] = redis.call('HINCRBY', KEYS[2], ARGV[1 + 2 * i], 1) end
          redis.call('EXPIREAT', KEYS[2], ARGV[2])
        end
        table.insert(counts, 1, refused)
        table.insert(counts, 1, refused == 0 and 1 or 0)
        return counts
        """;

    /// <summary>KEYS: generation, user-day hash. ARGV: known generation, fields. Gives one call back, never below 0.</summary>
    public const string Refund = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        for i = 2, #ARGV do
          if tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or '0') > 0 then redis.call('HINCRBY', KEYS[2], ARGV[i], -1) end
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
