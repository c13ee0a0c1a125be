namespace OpenMaas.Server.Pipeline;

/// <summary>
/// One endpoint of one surface (OpenAI chat completions, Anthropic messages, …): reads its wire request into a neutral
/// one, and writes the admitted call's answer, stream or mid-stream error in its own shape. The
/// <see cref="CallPipeline"/> calls <see cref="ReadAsync"/> first and <see cref="RespondAsync"/> only with an
/// <see cref="AdmittedCall{TPrepared}"/>, which nothing but the pipeline's admission step can make.
/// Errors before the first byte are thrown as <see cref="CallException"/>; the surface's
/// <see cref="ISurfaceErrorWriter"/> writes them.
/// </summary>
/// <typeparam name="TRequest">The neutral request kind it produces.</typeparam>
/// <typeparam name="TPrepared">What the request kind's <see cref="ICallPreparer{TRequest,TPrepared}"/> prepares.</typeparam>
public interface IWireAdapter<TRequest, TPrepared>
    where TRequest : IInferenceRequest
{
    /// <summary>Parses and fully validates the body (every field check: 400/413/415 here, before anything else).</summary>
    ValueTask<TRequest> ReadAsync(HttpContext http);

    /// <summary>Runs the admitted call on its runtime and writes the answer or the stream.</summary>
    Task<IResult> RespondAsync(HttpContext http, TRequest request, AdmittedCall<TPrepared> call);
}
