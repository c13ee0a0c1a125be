using System.Text.Json;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Metering;

/// <summary>An OpenAI error envelope returned as a result rather than thrown, so the response keeps headers set
/// before it (the quota headers on a 429) and can add its own (<c>Retry-After</c>, <c>WWW-Authenticate</c>).</summary>
internal sealed class OpenAiErrorResult(int statusCode, string message, string type, string? code) : IResult, IStatusCodeHttpResult
{
    public int StatusCode => statusCode;

    int? IStatusCodeHttpResult.StatusCode => statusCode;

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        response.ContentType = "application/json";
        var body = new OpenAIErrorResponse(new OpenAIError(message, type, null, code), httpContext.TraceIdentifier);
        return JsonSerializer.SerializeAsync(response.Body, body, OpenAIJson.Default.OpenAIErrorResponse, httpContext.RequestAborted);
    }
}
