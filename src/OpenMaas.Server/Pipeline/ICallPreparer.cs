namespace OpenMaas.Server.Pipeline;

/// <summary>
/// Readies one kind of request on the model's runtime before admission: picks the runtime (by the model's format and
/// task), loads the model, and makes every check that needs it (prompt length, <c>max_tokens</c> against the context):
/// each answers 400 here, so it costs no call. A model that cannot be loaded answers 500 here, also uncounted.
/// One per kind of request: <c>TextGenerationPreparer</c> now; embeddings and tasks next.
/// </summary>
/// <typeparam name="TRequest">The neutral request kind.</typeparam>
/// <typeparam name="TPrepared">What the runtime needs to run it (loaded model, tokens, options).</typeparam>
public interface ICallPreparer<in TRequest, TPrepared>
    where TRequest : IInferenceRequest
{
    /// <summary>Loads and checks; throws <see cref="CallException"/>.</summary>
    ValueTask<TPrepared> PrepareAsync(TRequest request, InferenceCall call, CancellationToken ct);
}
