using System.Globalization;
using System.Text.Json;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>The one writer of Anthropic's error shape <c>{"type":"error","error":{"type","message"}}</c> on
/// <c>/v1/messages</c>: statuses mapped to Anthropic's types (a busy server is 529 <c>overloaded_error</c>), the
/// <c>request-id</c> header Anthropic's SDKs expose, and the body of the <c>error</c> event that ends a failed stream.</summary>
internal sealed class AnthropicErrorWriter : ISurfaceErrorWriter
{
    public static readonly AnthropicErrorWriter Instance = new();

    public async Task WriteAsync(HttpContext context, CallException error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = AnthropicErrorTypes.StatusFor(error.Status);
        response.Headers["request-id"] = context.TraceIdentifier;
        if (error.RetryAfterSeconds is { } retry)
        {
            response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        }

        // A daily quota does not come back in seconds: tell the SDKs not to retry it (they honour x-should-retry).
        if (error.Status == StatusCodes.Status429TooManyRequests && error.Code?.EndsWith("quota_exceeded", StringComparison.Ordinal) == true)
        {
            response.Headers["x-should-retry"] = "false";
        }

        response.ContentLength = null;
        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, Body(error), AnthropicJson.Default.AnthropicErrorResponse, CancellationToken.None);
    }

    /// <summary>Anthropic's way to end a failed stream: an <c>error</c> event.</summary>
    public void WriteStreamError(SseWriter sse, CallException error, string requestId) =>
        sse.Event("error"u8, Body(error), static (w, e) => JsonSerializer.Serialize(w, e, AnthropicJson.Default.AnthropicErrorResponse));

    /// <summary>The error body of <paramref name="error"/>.</summary>
    public static AnthropicErrorResponse Body(CallException error) =>
        new(new AnthropicErrorBody(AnthropicErrorTypes.ForStatus(error.Status), error.Message));
}
