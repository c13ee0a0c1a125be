using System.Security.Cryptography;
using System.Text.Json;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Endpoints;

/// <summary>
/// On /v1: gives every request an id (<c>X-Request-Id</c>), and turns every failure into the OpenAI envelope —
/// thrown <see cref="OpenAIException"/>s, oversized bodies, unknown routes, unexpected exceptions (500, no stack trace).
/// </summary>
internal sealed partial class OpenAIErrorMiddleware(RequestDelegate next, ILogger<OpenAIErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.TraceIdentifier = "req-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
        try
        {
            RejectOversizedBody(context);
            await next(context);
            if (!context.Response.HasStarted && context.GetEndpoint() is null && context.Response.StatusCode is 404 or 405)
            {
                var status = context.Response.StatusCode;
                await WriteAsync(context, new OpenAIException(status,
                    status == 404 ? $"Unknown path {context.Request.Method} {context.Request.Path}." : $"Method {context.Request.Method} is not allowed on {context.Request.Path}.",
                    OpenAIErrorTypes.InvalidRequest, code: status == 404 ? "unknown_url" : "method_not_allowed"));
            }
        }
        catch (OpenAIException e)
        {
            await WriteAsync(context, e);
        }
        catch (BadHttpRequestException e)
        {
            await WriteAsync(context, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new OpenAIException(413, "The request body is larger than the server accepts.", OpenAIErrorTypes.InvalidRequest, code: "request_too_large")
                : new OpenAIException(e.StatusCode, "The request could not be read.", OpenAIErrorTypes.InvalidRequest));
        }
        catch (OpenMaas.Core.Cluster.QuotaUnavailableException e)
        {
            await WriteAsync(context, new OpenAIException(503, e.Message, OpenAIErrorTypes.Server, code: "quota_unavailable") { RetryAfterSeconds = 1 });
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = 499; // client closed request; nothing to write
        }
        catch (Exception e)
        {
            Unhandled(logger, context.Request.Path, e);
            await WriteAsync(context, new OpenAIException(500, "The server had an error while processing the request.", OpenAIErrorTypes.Server, code: "internal_error"));
        }
    }

    /// <summary>Answers 413 from Content-Length before reading anything, so a client sending Expect: 100-continue never
    /// uploads the body and others are drained by Kestrel rather than cut off mid-upload.</summary>
    private static void RejectOversizedBody(HttpContext context)
    {
        var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (context.Request.ContentLength > limit)
        {
            throw new OpenAIException(413, $"The request body is {context.Request.ContentLength} bytes; the server accepts at most {limit}.",
                OpenAIErrorTypes.InvalidRequest, code: "request_too_large");
        }
    }

    internal static async Task WriteAsync(HttpContext context, OpenAIException e)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
        context.Response.StatusCode = e.Status;
        if (e.RetryAfterSeconds is { } retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body,
            new OpenAIErrorResponse(e.ToError(), context.TraceIdentifier), OpenAIJson.Default.OpenAIErrorResponse, CancellationToken.None);
    }

    [LoggerMessage(1100, LogLevel.Error, "Unhandled error on {Path}")]
    private static partial void Unhandled(ILogger logger, PathString path, Exception e);
}
