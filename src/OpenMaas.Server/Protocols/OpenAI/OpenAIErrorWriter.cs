using System.Text.Json;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>The one writer of the OpenAI error envelope <c>{"error":{"message","type","param","code"},"request_id"}</c>:
/// responses before the first byte, and the body of the error event that ends a failed stream.</summary>
internal sealed class OpenAIErrorWriter : ISurfaceErrorWriter
{
    public static readonly OpenAIErrorWriter Instance = new();

    public async Task WriteAsync(HttpContext context, CallException error)
    {
        if (!ErrorResponses.TryStart(context, error))
        {
            return;
        }

        await JsonSerializer.SerializeAsync(context.Response.Body, Envelope(error, context.TraceIdentifier), OpenAIJson.Default.OpenAIErrorResponse, CancellationToken.None);
    }

    /// <summary>OpenAI's way to end a failed stream: one more <c>data:</c> event holding the envelope.</summary>
    public void WriteStreamError(SseWriter sse, CallException error, string requestId) =>
        sse.Data(Envelope(error, requestId), static (w, e) => JsonSerializer.Serialize(w, e, OpenAIJson.Default.OpenAIErrorResponse));

    /// <summary>The envelope of <paramref name="error"/>.</summary>
    public static OpenAIErrorResponse Envelope(CallException error, string requestId) =>
        new(new OpenAIError(error.Message, TypeOf(error.Kind), error.Param, error.Code), requestId);

    /// <summary>OpenAI's error type names.</summary>
    public static string TypeOf(CallErrorKind kind) => kind switch
    {
        CallErrorKind.InvalidRequest => OpenAIErrorTypes.InvalidRequest,
        CallErrorKind.Authentication => OpenAIErrorTypes.InvalidRequest,
        CallErrorKind.Permission => OpenAIErrorTypes.Permission,
        CallErrorKind.NotFound => OpenAIErrorTypes.InvalidRequest,
        CallErrorKind.RateLimit => OpenAIErrorTypes.RateLimit,
        CallErrorKind.Overloaded => OpenAIErrorTypes.Overloaded,
        _ => OpenAIErrorTypes.Server,
    };
}
