namespace OpenMaas.Server.Pipeline;

/// <summary>
/// Proof that a call was admitted against the quota, with what its runtime prepared. Only
/// <see cref="QuotaAdmission"/> makes one, and a wire adapter can only respond with one in hand: an inference
/// handler that runs without admission cannot be written (PipelineTests prove the paths).
/// </summary>
/// <typeparam name="TPrepared">The prepared call (e.g. <c>PreparedGeneration</c>).</typeparam>
public sealed class AdmittedCall<TPrepared>
{
    internal AdmittedCall(InferenceCall call, TPrepared prepared, bool metered)
    {
        Call = call;
        Prepared = prepared;
        Metered = metered;
    }

    /// <summary>The call's record (usage, first output time).</summary>
    public InferenceCall Call { get; }

    /// <summary>What the runtime prepared.</summary>
    public TPrepared Prepared { get; }

    /// <summary>The quota day the call was counted on (what a later refund gives back); null when not metered.</summary>
    public DateOnly? QuotaDay { get; internal init; }

    /// <summary>False when the quota is switched off (Quota:Enabled or Auth:Enabled false); the call is then not counted.</summary>
    public bool Metered { get; }
}
