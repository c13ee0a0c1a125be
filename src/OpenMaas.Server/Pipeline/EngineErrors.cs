using OpenMaas.Inference.Upstream;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// Upstream failures as call errors. A 4xx about the request itself is passed on with the engine's message;
/// failures of the engine become 502 (unreachable, 5xx, misconfigured deployment) or 504 (timeout) without its
/// internals; a full engine becomes 503 <c>model_busy</c>. None of them names the engine's address or key.
/// </summary>
internal static class EngineErrors
{
    public static CallException ToCallException(UpstreamException e, string modelId) => e.Failure switch
    {
        UpstreamFailure.Busy => new CallException(StatusCodes.Status503ServiceUnavailable, CallErrorKind.Overloaded,
            $"Model '{modelId}' is busy: its inference engines are at their limit. Retry shortly.", code: "model_busy")
        {
            RetryAfterSeconds = 1,
        },
        UpstreamFailure.Timeout => new CallException(StatusCodes.Status504GatewayTimeout, CallErrorKind.Server,
            $"The inference engine of model '{modelId}' timed out. {e.Message}", code: "upstream_timeout"),
        UpstreamFailure.ServerError => new CallException(StatusCodes.Status502BadGateway, CallErrorKind.Server,
            $"The inference engine of model '{modelId}' failed (HTTP {e.UpstreamStatus}).", code: "upstream_error"),
        UpstreamFailure.Rejected => Rejected(e, modelId),
        UpstreamFailure.Malformed => new CallException(StatusCodes.Status502BadGateway, CallErrorKind.Server,
            $"The inference engine of model '{modelId}' sent an answer OpenMaaS cannot use: {e.Message}", code: "upstream_error"),
        _ => new CallException(StatusCodes.Status502BadGateway, CallErrorKind.Server,
            $"The inference engine of model '{modelId}' cannot be reached.", code: "upstream_unavailable"),
    };

    private static CallException Rejected(UpstreamException e, string modelId) => e.UpstreamStatus switch
    {
        400 or 413 or 422 => new CallException(e.UpstreamStatus == 413 ? 413 : StatusCodes.Status400BadRequest, CallErrorKind.InvalidRequest,
            e.UpstreamMessage ?? "The inference engine rejected the request.", code: "upstream_rejected_request"),
        401 or 403 => new CallException(StatusCodes.Status502BadGateway, CallErrorKind.Server,
            $"The inference engine of model '{modelId}' refused OpenMaaS's credentials; an admin must check the deployment's API key.",
            code: "upstream_auth_failed"),
        404 => new CallException(StatusCodes.Status502BadGateway, CallErrorKind.Server,
            $"The inference engine of model '{modelId}' does not serve it under the configured name; an admin must check the deployment.",
            code: "upstream_model_not_found"),
        _ => new CallException(StatusCodes.Status502BadGateway, CallErrorKind.Server,
            $"The inference engine of model '{modelId}' answered HTTP {e.UpstreamStatus}.", code: "upstream_error"),
    };
}
