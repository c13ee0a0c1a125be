using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Server.Metering;

/// <summary>An error in the OpenAI envelope, <c>{"error":{"message","type","param","code"},"request_id"}</c>,
/// which every OpenAI client turns into its typed exception (401 → authentication, 429 → rate limit).</summary>
internal sealed class OpenAiErrorResult(int statusCode, string message, string type, string? code) : IResult, IStatusCodeHttpResult
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public int StatusCode => statusCode;

    int? IStatusCodeHttpResult.StatusCode => statusCode;

    /// <summary>Extra response headers, e.g. <c>Retry-After</c> or <c>WWW-Authenticate</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        var body = new Envelope(new Detail(message, type, null, code), httpContext.TraceIdentifier);
        return response.WriteAsJsonAsync(body, Json, httpContext.RequestAborted);
    }

    private sealed record Envelope(
        [property: JsonPropertyName("error")] Detail Error,
        [property: JsonPropertyName("request_id")] string RequestId);

    private sealed record Detail(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("param")] string? Param,
        [property: JsonPropertyName("code")] string? Code);
}
