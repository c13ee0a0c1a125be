namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>Anthropic's error shape: <c>{"type":"error","error":{"type","message"}}</c>, also the data of an
/// <c>error</c> event after a stream's first byte.</summary>
public sealed record AnthropicErrorResponse(AnthropicErrorBody Error)
{
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Type => "error";
}

public sealed record AnthropicErrorBody(string Type, string Message);

/// <summary>Anthropic's error types and the status codes that carry them.</summary>
public static class AnthropicErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RequestTooLarge = "request_too_large";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";
    public const string Overloaded = "overloaded_error";

    /// <summary>Anthropic answers "overloaded" with this non-standard status; its SDKs retry it.</summary>
    public const int OverloadedStatus = 529;

    /// <summary>The type Anthropic uses for a status (its documented table); any other 5xx is an api_error.</summary>
    public static string ForStatus(int status) => status switch
    {
        401 => Authentication,
        403 => Permission,
        404 => NotFound,
        413 => RequestTooLarge,
        429 => RateLimit,
        OverloadedStatus or 503 => Overloaded,
        >= 500 => Api,
        _ => InvalidRequest,
    };

    /// <summary>The status on the Anthropic surface: a busy server is 529, as Anthropic's own.</summary>
    public static int StatusFor(int status) => status == 503 ? OverloadedStatus : status;
}
