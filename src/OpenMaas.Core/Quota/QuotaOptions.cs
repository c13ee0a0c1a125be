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

    /// <summary>fsync every group commit of the usage log (survives power loss); false survives process crashes only.</summary>
    public bool UsageLogFsync { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"Unknown time zone '{TimeZone}': use an IANA id such as Asia/Shanghai.", [nameof(TimeZone)]);
        }
    }
}
