namespace OpenMaas.Core.Diagnostics;

/// <summary>One dependency <c>/readyz</c> checks (database, Redis, model store).</summary>
public interface IReadinessCheck
{
    string Name { get; }

    /// <summary>Null when usable; otherwise what is wrong, for the operator.</summary>
    Task<string?> CheckAsync(CancellationToken ct);
}
