namespace OpenMaas.Core.Cluster;

/// <summary>
/// The Lua scripts that keep the shared counters exact when a node dies. Each node keeps the calls it admitted and has not
/// settled in its open-calls hash (<c>quota:open:NODE</c>, field: the call's request id, value: the generation and day,
/// then one line per counter the call was counted in: hash, field, increment), written by the admission itself
/// (<see cref="QuotaScripts.Admit"/>), and a heartbeat key that expires. A node whose heartbeat is gone is dead: a living
/// node gives back each of its open calls that has no counted record in the usage log, and keeps what it gave back in the
/// dead node's given-back hash (<c>quota:reaped:NODE</c>), so a node only presumed dead (paused longer than the timeout)
/// counts a call again when it settles it after all.
/// </summary>
internal static class NodeScripts
{
    /// <summary>ARGV: heartbeat key, time to live (ms), the set of nodes, the node's id.</summary>
    public const string Heartbeat = """
        redis.call('SET', ARGV[1], '1', 'PX', ARGV[2])
        redis.call('SADD', ARGV[3], ARGV[4])
        return 1
        """;

    /// <summary>KEYS: generation. ARGV: the node's open-calls hash, its given-back hash, then the ids of calls whose counted
    /// record is in the usage log: each is closed; one a recovery gave back meanwhile is counted again (same generation).
    /// Returns how many were counted again.</summary>
    public const string Settle = """
        local gen = redis.call('GET', KEYS[1])
        local again = 0
        for i = 3, #ARGV do
          if redis.call('HDEL', ARGV[1], ARGV[i]) == 0 then
            local v = redis.call('HGET', ARGV[2], ARGV[i])
            if v then
              redis.call('HDEL', ARGV[2], ARGV[i])
              if gen and string.match(v, '^([^\t\n]*)') == gen then
                local first = true
                for line in string.gmatch(v, '[^\n]+') do
                  if first then first = false else
                    local k, f, inc = string.match(line, '^(.-)\t(.-)\t(-?%d+)$')
                    if k and redis.call('EXISTS', k) == 1 then redis.call('HINCRBY', k, f, inc) end
                  end
                end
                again = again + 1
              end
            end
          end
        end
        return again
        """;

    /// <summary>KEYS: generation. ARGV: the dead node's open-calls hash, its given-back hash, the set of nodes, its id, the
    /// given-back hash's expire-at (unix s), then pairs: call id, 1 to give it back (no counted record) or 0 (recorded).
    /// Each call still open is closed; one given back has every counter it was counted in lowered by what it added (never
    /// below 0; only under the generation it was admitted in: a Redis that lost its counters rebuilt them from the log).
    /// The node leaves the set once nothing of it is open. Returns how many calls were given back.</summary>
    public const string Reap = """
        local gen = redis.call('GET', KEYS[1])
        local given = 0
        for i = 6, #ARGV, 2 do
          local v = redis.call('HGET', ARGV[1], ARGV[i])
          if v then
            redis.call('HDEL', ARGV[1], ARGV[i])
            if ARGV[i + 1] == '1' and gen and string.match(v, '^([^\t\n]*)') == gen then
              local first = true
              for line in string.gmatch(v, '[^\n]+') do
                if first then first = false else
                  local k, f, inc = string.match(line, '^(.-)\t(.-)\t(-?%d+)$')
                  if k then
                    local cur = tonumber(redis.call('HGET', k, f) or '0')
                    local change = -tonumber(inc)
                    if cur + change < 0 then change = -cur end
                    if change ~= 0 then redis.call('HINCRBY', k, f, change) end
                  end
                end
              end
              redis.call('HSET', ARGV[2], ARGV[i], v)
              redis.call('EXPIREAT', ARGV[2], ARGV[5])
              given = given + 1
            end
          end
        end
        if redis.call('HLEN', ARGV[1]) == 0 then redis.call('SREM', ARGV[3], ARGV[4]) end
        return given
        """;
}
