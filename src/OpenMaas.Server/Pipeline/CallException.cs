namespace OpenMaas.Server.Pipeline;

/// <summary>What kind of failure a <see cref="CallException"/> is; each surface maps it to its own error type name.</summary>
public enum CallErrorKind
{
    /// <summary>The request is wrong (400, 404 for an unknown model, 413, 415).</summary>
    InvalidRequest,

    /// <summary>No valid credentials (401).</summary>
    Authentication,

    /// <summary>Valid credentials that may not do this (403).</summary>
    Permission,

    /// <summary>An unknown route (404 for a path, not a model).</summary>
    NotFound,

    /// <summary>Over a quota or rate limit (429).</summary>
    RateLimit,

    /// <summary>The server failed (500).</summary>
    Server,

    /// <summary>The server is busy; come back later (503).</summary>
    Overloaded,
}

/// <summary>
/// A protocol-neutral failure of a call, thrown by any step of the pipeline before the first byte of a response; the
/// surface's <see cref="ISurfaceErrorWriter"/> writes it in that surface's shape (the OpenAI envelope on /v1, …).
/// </summary>
/// <param name="status">The HTTP status.</param>
/// <param name="kind">The kind of failure, mapped to the surface's error type.</param>
/// <param name="message">A message for the caller: what was wrong and how to fix it; never a stack trace.</param>
/// <param name="param">The request field at fault, in the surface's own spelling, when there is one.</param>
/// <param name="code">A stable machine-readable code, e.g. <c>model_not_found</c>.</param>
public sealed class CallException(int status, CallErrorKind kind, string message, string? param = null, string? code = null)
    : Exception(message)
{
    /// <summary>The HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>The kind of failure.</summary>
    public CallErrorKind Kind { get; } = kind;

    /// <summary>The request field at fault, if any.</summary>
    public string? Param { get; } = param;

    /// <summary>A stable machine-readable code, if any.</summary>
    public string? Code { get; } = code;

    /// <summary>Seconds for a <c>Retry-After</c> header, when the client should come back later.</summary>
    public long? RetryAfterSeconds { get; init; }

    /// <summary>A 400 <see cref="CallErrorKind.InvalidRequest"/>.</summary>
    public static CallException BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, CallErrorKind.InvalidRequest, message, param, code);

    /// <summary>500 <c>inference_failed</c>: the runtime failed while running the call.</summary>
    public static CallException InferenceFailed() =>
        new(StatusCodes.Status500InternalServerError, CallErrorKind.Server, "The model failed while generating.", code: "inference_failed");

    /// <summary>413 <c>request_too_large</c>.</summary>
    public static CallException RequestTooLarge(string? message = null) =>
        new(StatusCodes.Status413PayloadTooLarge, CallErrorKind.InvalidRequest, message ?? "The request body is larger than the server accepts.", code: "request_too_large");

    /// <summary>415: the body is not of a media type this endpoint reads.</summary>
    public static CallException UnsupportedMediaType(string contentType, string accepted) =>
        new(StatusCodes.Status415UnsupportedMediaType, CallErrorKind.InvalidRequest, $"Unsupported Content-Type '{contentType}': send {accepted}.", code: "unsupported_media_type");

    /// <summary>503 <c>model_busy</c> with <c>Retry-After</c> (at least one second).</summary>
    public static CallException ModelBusy(string message, TimeSpan retryAfter) =>
        new(StatusCodes.Status503ServiceUnavailable, CallErrorKind.Overloaded, message, code: "model_busy")
        {
            RetryAfterSeconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)),
        };
}
