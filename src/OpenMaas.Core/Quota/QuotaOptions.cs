using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Core.Quota;

/// <summary>The daily API-Inference quota (section <c>Quota</c>).</summary>
public sealed class QuotaOptions : IValidatableObject
{
    public const string Section = "Quota";

    /// <summary>Count and limit inference calls; off only for benchmarks and private single-user setups.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Calls per user per day unless an admin set another default or a per-user limit.</summary>
    [Range(0, int.MaxValue)]
    public int DailyCalls { get; set; } = 2000;

    /// <summary>IANA zone whose calendar day the quota follows; counters start at 0 at its midnight.</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>What an answered call's usage record survives before the answer ends (docs/scaling.md, "Durability"):
    /// <see cref="UsageDurability.ProcessSafe"/> (the default) or <see cref="UsageDurability.PowerSafe"/>.</summary>
    public UsageDurability UsageLogDurability { get; set; } = UsageDurability.ProcessSafe;

    /// <summary>Process-safe mode: the most milliseconds between a commit and the fsync that makes it survive a power
    /// cut (SQLite: the write-ahead log is fsync'd; PostgreSQL: its WAL writer's own delay applies).</summary>
    [Range(1, 10_000)]
    public int UsageLogFsyncWindowMs { get; set; } = 100;

    /// <summary>The setting before the modes had names: true is <see cref="UsageDurability.PowerSafe"/>, false
    /// <see cref="UsageDurability.ProcessSafe"/>. When set, it wins (so existing configurations keep their meaning).</summary>
    public bool? UsageLogFsync { get; set; }

    /// <summary>The mode in force, the legacy switch included.</summary>
    public UsageDurability Durability => UsageLogFsync switch
    {
        true => UsageDurability.PowerSafe,
        false => UsageDurability.ProcessSafe,
        null => UsageLogDurability,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"Unknown time zone '{TimeZone}': use an IANA id such as Asia/Shanghai.", [nameof(TimeZone)]);
        }
    }
}

/// <summary>The usage log's durability contract: what a record of an answered call survives.</summary>
public enum UsageDurability
{
    /// <summary>The record is committed to the operating system before the answer ends — a SIGKILL or crash of OpenMaaS
    /// loses nothing — and made durable on disk within <see cref="QuotaOptions.UsageLogFsyncWindowMs"/>; a power cut
    /// loses at most that window's records (their calls were answered but are not counted after the restart).</summary>
    ProcessSafe,

    /// <summary>Every group commit is fsync'd before the answers it holds end: a power cut loses nothing answered.</summary>
    PowerSafe,
}
