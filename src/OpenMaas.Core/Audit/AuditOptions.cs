using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Core.Audit;

/// <summary>The audit log (section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Days a row is kept; 0 keeps every row.</summary>
    [Range(0, 36_500)]
    public int RetentionDays { get; set; } = 365;

    /// <summary>Seconds between two rounds of the retention job.</summary>
    [Range(1, 86_400)]
    public int CleanupSeconds { get; set; } = 3600;
}
