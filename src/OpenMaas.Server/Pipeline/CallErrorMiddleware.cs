using System.Security.Cryptography;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// On the API surfaces (/v1): gives every request an id (<c>X-Request-Id</c>), and turns every failure into an error in
/// the shape of the endpoint's surface (<see cref="ISurfaceErrorWriter"/> in its metadata; the fallback for unknown
/// routes): thrown <see cref="CallException"/>s, oversized bodies, unknown routes, a database or Redis that cannot take
/// the call now (503 + <c>Retry-After</c>, fail closed), unexpected exceptions (500, no stack trace).
/// </summary>
internal sealed class CallErrorMiddleware(RequestDelegate next, ISurfaceErrorWriter fallback, OpenMaas.Core.Storage.StorageFaults storageFaults, ILogger<CallErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.TraceIdentifier = "req-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
        try
        {
            RejectOversizedBody(context);
            await next(context);
            // No endpoint matched (404), or one matched the path but not the method: routing answers 405 itself, empty.
            if (!context.Response.HasStarted && context.Response.ContentType is null && context.Response.StatusCode is 404 or 405
                && (context.GetEndpoint() is null || context.Response.StatusCode == 405))
            {
                var status = context.Response.StatusCode;
                await WriteAsync(context, new CallException(status, CallErrorKind.InvalidRequest,
                    status == 404 ? $"Unknown path {context.Request.Method} {context.Request.Path}." : $"Method {context.Request.Method} is not allowed on {context.Request.Path}.",
                    code: status == 404 ? "unknown_url" : "method_not_allowed"));
            }
        }
        catch (CallException e)
        {
            await WriteAsync(context, e);
        }
        catch (BadHttpRequestException e)
        {
            await WriteAsync(context, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? CallException.RequestTooLarge()
                : new CallException(e.StatusCode, CallErrorKind.InvalidRequest, "The request could not be read."));
        }
        catch (IOException e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested
            && e.TargetSite?.DeclaringType?.Namespace?.StartsWith("Microsoft.AspNetCore.WebUtilities", StringComparison.Ordinal) == true)
        {
            // A multipart body whose framing is broken (no closing boundary, another boundary): the client's mistake.
            await WriteAsync(context, CallException.BadRequest("The multipart body cannot be read: it ends before its closing boundary, or its boundary is not the one its Content-Type names."));
        }
        catch (OpenMaas.Core.Cluster.QuotaUnavailableException e)
        {
            // Fail closed: the shared counters are unreachable, so nothing is admitted (and nothing is counted).
            await WriteAsync(context, new CallException(503, CallErrorKind.Overloaded, e.Message, code: "quota_unavailable") { RetryAfterSeconds = 1 });
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = 499; // client closed request; nothing to write
        }
        catch (Exception e) when (OpenMaas.Core.Storage.DatabaseFailure.IsUnavailable(e))
        {
            // No free connection within Database:ConnectionWaitSeconds, or the server full (53300), starting, or away.
            PipelineLog.StoreUnavailable(logger, context.Request.Path, "database", e.GetType().Name, e.Message);
            if (OpenMaas.Core.Storage.DatabaseFailure.IsStorageFault(e))
            {
                storageFaults.Report(); // /readyz: not ready for a while (Database:StorageFaultUnreadySeconds)
            }

            await WriteAsync(context, new CallException(503, CallErrorKind.Overloaded,
                "The database is busy or unreachable, so the call was not run (and not counted); try again shortly.", code: "database_unavailable") { RetryAfterSeconds = 1 });
        }
        catch (Exception e) when (OpenMaas.Core.Cluster.RedisFailure.Is(e))
        {
            // A Redis step outside the admission's own handling: still fail closed, never 500.
            PipelineLog.StoreUnavailable(logger, context.Request.Path, "redis", e.GetType().Name, e.Message);
            await WriteAsync(context, new CallException(503, CallErrorKind.Overloaded,
                "The quota service (Redis) is unreachable, so no call can be counted; try again shortly.", code: "quota_unavailable") { RetryAfterSeconds = 1 });
        }
        catch (Exception e)
        {
            PipelineLog.Unhandled(logger, context.Request.Path, e);
            await WriteAsync(context, new CallException(500, CallErrorKind.Server, "The server had an error while processing the request.", code: "internal_error"));
        }
    }

    /// <summary>Answers 413 from Content-Length before reading anything, so a client sending Expect: 100-continue never
    /// uploads the body and others are drained by Kestrel rather than cut off mid-upload.</summary>
    private static void RejectOversizedBody(HttpContext context)
    {
        var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (context.Request.ContentLength > limit)
        {
            throw CallException.RequestTooLarge($"The request body is {context.Request.ContentLength} bytes; the server accepts at most {limit}.");
        }
    }

    private Task WriteAsync(HttpContext context, CallException e) =>
        context.Response.HasStarted ? Task.CompletedTask : context.ErrorWriter(fallback).WriteAsync(context, e);
}
