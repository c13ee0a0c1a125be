using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Server.Runtimes.Ranking;

/// <summary>Settings of rerank (section <c>Rerank</c>).</summary>
public sealed class RerankOptions
{
    public const string Section = "Rerank";

    /// <summary>Most documents one call may rank; more is a 400 before admission.</summary>
    [Range(1, 100_000)]
    public int MaxDocuments { get; set; } = 1000;
}
