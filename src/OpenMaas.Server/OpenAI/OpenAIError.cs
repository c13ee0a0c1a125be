using System.Text.Json.Serialization;

namespace OpenMaas.Server.OpenAI;

/// <summary>The OpenAI error envelope: <c>{"error":{"message","type","param","code"},"request_id"}</c>.</summary>
public sealed record OpenAIErrorResponse(OpenAIError Error, [property: JsonPropertyName("request_id")] string? RequestId);

public sealed record OpenAIError(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);

/// <summary>Error types used on /v1 (OpenAI's names).</summary>
public static class OpenAIErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RateLimit = "rate_limit_exceeded";
    public const string Server = "server_error";
    public const string Overloaded = "server_overloaded";
}

/// <summary>Thrown anywhere on /v1 to answer with the OpenAI envelope (before the first byte of a response).</summary>
public sealed class OpenAIException(int status, string message, string type, string? param = null, string? code = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    /// <summary>Seconds for a <c>Retry-After</c> header, when the client should come back later.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static OpenAIException BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, OpenAIErrorTypes.InvalidRequest, param, code);

    public OpenAIError ToError() => new(Message, Type, Param, Code);
}
