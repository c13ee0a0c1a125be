using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Core.Cluster;

/// <summary>What a node does when Redis cannot be reached.</summary>
public enum RedisUnavailableMode
{
    /// <summary>Refuse inference calls with 503 until Redis is back (exact quota across nodes; the default).</summary>
    Reject,

    /// <summary>Count in this process until Redis is back (service stays up; each node may admit up to the limit).</summary>
    CountLocally,
}

/// <summary>Redis for several nodes (section <c>Redis</c>): quota counters, change notices, cluster leases.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis configuration, e.g. <c>10.0.0.5:6379,password=…</c> (flag <c>--redis</c>). Empty: one node, no Redis.</summary>
    public string? Configuration { get; set; }

    public RedisUnavailableMode WhenUnavailable { get; set; } = RedisUnavailableMode.Reject;

    /// <summary>Prefix of every key and channel, so several deployments can share one Redis.</summary>
    [Required]
    public string KeyPrefix { get; set; } = "openmaas:";

    /// <summary>Counters live until the next local midnight plus this, so a call admitted just before midnight can still be refunded.</summary>
    [Range(60, 7 * 86400)]
    public int ExpiryGraceSeconds { get; set; } = 3600;

    /// <summary>Milliseconds a Redis operation may take before the call fails closed.</summary>
    [Range(50, 60_000)]
    public int TimeoutMs { get; set; } = 2000;

    /// <summary>How far two nodes' clocks may differ, in milliseconds. After Redis lost its counters, a node adopting
    /// the rebuilt ones also adds the calls it settled this long before the rebuild read the usage log: a larger margin
    /// counts some calls twice (stricter, never looser), a smaller one than the real skew could miss calls.</summary>
    [Range(0, 60_000)]
    public int ClockSkewMs { get; set; } = 1000;

    /// <summary>Milliseconds without a heartbeat after which a node counts as dead: another node then gives back the calls
    /// it had admitted and not recorded (docs/scaling.md, "A node killed"). The heartbeat runs every third of it; a node
    /// paused longer than this is presumed dead, and counts its calls again when it settles them.</summary>
    [Range(1000, 600_000)]
    public int NodeTimeoutMs { get; set; } = 15_000;

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}
