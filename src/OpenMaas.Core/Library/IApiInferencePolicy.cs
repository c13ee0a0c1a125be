namespace OpenMaas.Core.Library;

/// <summary>Recomputes which models have API-Inference (see <see cref="PopularityRanking"/>) and stores the result
/// on each model, where /v1 reads it.</summary>
public interface IApiInferencePolicy
{
    /// <summary>Re-evaluates every model; returns the IDs whose state changed.</summary>
    Task<IReadOnlyList<string>> EvaluateAsync(CancellationToken ct = default);
}
