using System.Globalization;

namespace OpenMaas.Server.Pipeline;

/// <summary>What every surface's error writer does before its body: status, request id, <c>Retry-After</c>, JSON.</summary>
internal static class ErrorResponses
{
    /// <summary>Starts the error response; false when the response has already started (nothing can be written).</summary>
    public static bool TryStart(HttpContext context, CallException error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return false;
        }

        response.StatusCode = error.Status;
        response.Headers["X-Request-Id"] = context.TraceIdentifier;
        if (error.RetryAfterSeconds is { } retry)
        {
            response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        }

        response.ContentLength = null;
        response.ContentType = "application/json";
        return true;
    }
}
