using OpenMaas.Inference.Upstream;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Upstream;

/// <summary>
/// Upstream failures as OpenAI envelopes. A 4xx about the request itself is passed on with the engine's message;
/// failures of the engine become 502 (unreachable, 5xx, misconfigured deployment) or 504 (timeout) without its
/// internals; a full engine becomes 503 <c>model_busy</c>. None of them names the engine's address or key.
/// </summary>
internal static class UpstreamErrors
{
    public static OpenAIException ToOpenAI(UpstreamException e, string modelId) => e.Failure switch
    {
        UpstreamFailure.Busy => new OpenAIException(StatusCodes.Status503ServiceUnavailable,
            $"Model '{modelId}' is busy: its inference engines are at their limit. Retry shortly.", OpenAIErrorTypes.Overloaded, code: "model_busy")
        {
            RetryAfterSeconds = 1,
        },
        UpstreamFailure.Timeout => new OpenAIException(StatusCodes.Status504GatewayTimeout,
            $"The inference engine of model '{modelId}' did not answer in time.", OpenAIErrorTypes.Server, code: "upstream_timeout"),
        UpstreamFailure.ServerError => new OpenAIException(StatusCodes.Status502BadGateway,
            $"The inference engine of model '{modelId}' failed (HTTP {e.UpstreamStatus}).", OpenAIErrorTypes.Server, code: "upstream_error"),
        UpstreamFailure.Rejected => Rejected(e, modelId),
        _ => new OpenAIException(StatusCodes.Status502BadGateway,
            $"The inference engine of model '{modelId}' cannot be reached.", OpenAIErrorTypes.Server, code: "upstream_unavailable"),
    };

    private static OpenAIException Rejected(UpstreamException e, string modelId) => e.UpstreamStatus switch
    {
        400 or 413 or 422 => new OpenAIException(e.UpstreamStatus == 413 ? 413 : StatusCodes.Status400BadRequest,
            e.UpstreamMessage ?? "The inference engine rejected the request.", OpenAIErrorTypes.InvalidRequest, code: "upstream_rejected_request"),
        401 or 403 => new OpenAIException(StatusCodes.Status502BadGateway,
            $"The inference engine of model '{modelId}' refused OpenMaaS's credentials; an admin must check the deployment's API key.",
            OpenAIErrorTypes.Server, code: "upstream_auth_failed"),
        404 => new OpenAIException(StatusCodes.Status502BadGateway,
            $"The inference engine of model '{modelId}' does not serve it under the configured name; an admin must check the deployment.",
            OpenAIErrorTypes.Server, code: "upstream_model_not_found"),
        _ => new OpenAIException(StatusCodes.Status502BadGateway,
            $"The inference engine of model '{modelId}' answered HTTP {e.UpstreamStatus}.", OpenAIErrorTypes.Server, code: "upstream_error"),
    };
}
