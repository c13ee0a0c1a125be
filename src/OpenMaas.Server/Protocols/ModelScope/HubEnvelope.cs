using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>ModelScope's response envelope: <c>{"Code":200,"Success":true,"Data":…,"Message":"success","RequestId":…}</c>.</summary>
internal sealed record HubResponse<T>(int Code, bool Success, T Data, string Message, string RequestId);

internal static class HubEnvelope
{
    public static JsonHttpResult<HubResponse<T>> Ok<T>(HttpContext http, T data, JsonTypeInfo<HubResponse<T>> type) =>
        TypedResults.Json(new HubResponse<T>(StatusCodes.Status200OK, true, data, "success", http.TraceIdentifier), type);

    /// <summary>An error as ProblemDetails that also carries ModelScope's <c>Code</c>/<c>Success</c>/<c>Message</c>, so
    /// both ASP.NET clients and modelscope-SDK-style clients read it.</summary>
    public static ProblemHttpResult Problem(HttpContext http, int status, string detail) =>
        TypedResults.Problem(detail, statusCode: status, extensions: new Dictionary<string, object?>
        {
            ["Code"] = status,
            ["Success"] = false,
            ["Message"] = detail,
            ["RequestId"] = http.TraceIdentifier,
        });
}
