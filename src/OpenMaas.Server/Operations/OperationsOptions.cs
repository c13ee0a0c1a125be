using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Server.Operations;

/// <summary>Shutdown behaviour (section <c>Operations</c>).</summary>
internal sealed class OperationsOptions
{
    public const string Section = "Operations";

    /// <summary>After SIGTERM, seconds <c>/readyz</c> answers 503 while the node still accepts connections, so a load
    /// balancer takes it out before it stops listening.</summary>
    [Range(0, 300)]
    public int DrainDelaySeconds { get; set; } = 2;

    /// <summary>Seconds running calls (streams) may take to finish after SIGTERM before they are cut.</summary>
    [Range(1, 3600)]
    public int DrainTimeoutSeconds { get; set; } = 60;
}
