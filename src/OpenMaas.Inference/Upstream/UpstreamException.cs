namespace OpenMaas.Inference.Upstream;

public enum UpstreamFailure
{
    /// <summary>No deployment could be reached (connect error, reset, no healthy deployment).</summary>
    Unavailable,

    /// <summary>The engine did not answer (or went silent mid-stream) within the timeout.</summary>
    Timeout,

    /// <summary>The engine answered 5xx.</summary>
    ServerError,

    /// <summary>The engine refused the request (4xx): the client's fault (400, 422) or our configuration (401, 404).</summary>
    Rejected,

    /// <summary>Every deployment is at its bound of requests in flight (or the engine said 429).</summary>
    Busy,

    /// <summary>The engine's 2xx answer cannot be used: not JSON, a broken or oversized event, an answer over its size
    /// bound, a stream cut before its end, or an error reported mid-stream.</summary>
    Malformed,
}

/// <summary>A call to an upstream engine failed. <see cref="Retryable"/> failures are tried on another deployment
/// while nothing has reached the client.</summary>
public sealed class UpstreamException(UpstreamFailure failure, string message, int? upstreamStatus = null, string? upstreamMessage = null, Exception? inner = null)
    : Exception(message, inner)
{
    public UpstreamFailure Failure { get; } = failure;

    /// <summary>The engine's HTTP status, when it answered.</summary>
    public int? UpstreamStatus { get; } = upstreamStatus;

    /// <summary>The error message from the engine's answer (already cleaned of secrets), when there was one.</summary>
    public string? UpstreamMessage { get; } = upstreamMessage;

    /// <summary>Set when no other deployment is left to try.</summary>
    public bool Final { get; init; }

    public bool Retryable => !Final && Failure is UpstreamFailure.Unavailable or UpstreamFailure.Timeout or UpstreamFailure.ServerError;
}
