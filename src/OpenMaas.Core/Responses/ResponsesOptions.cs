using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Core.Responses;

/// <summary>How long stored Responses API answers are kept (<c>Responses</c> section).</summary>
public sealed class ResponsesOptions
{
    public const string Section = "Responses";

    /// <summary>Days a stored response is kept; older ones are removed by the once-per-cluster retention job.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 30;

    /// <summary>How often the retention job looks for expired responses.</summary>
    [Range(10, 86_400)]
    public int CleanupSeconds { get; set; } = 3600;
}
