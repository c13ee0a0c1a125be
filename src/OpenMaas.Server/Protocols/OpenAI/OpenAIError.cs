using System.Text.Json.Serialization;

namespace OpenMaas.Server.Protocols.OpenAI;

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
