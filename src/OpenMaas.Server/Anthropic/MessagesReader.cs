using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Anthropic;

/// <summary>Reads a Messages API body, turning every client mistake into a 400/413/415 (written in Anthropic's shape by
/// <see cref="AnthropicErrorWriter"/>).</summary>
public static class MessagesReader
{
    public static async ValueTask<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var request = context.Request;
        if (request.ContentType is { } ct && !ct.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new CallException(StatusCodes.Status415UnsupportedMediaType, CallErrorKind.InvalidRequest, $"Unsupported Content-Type '{ct}': send application/json.");
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, context.RequestAborted);
            return value ?? throw CallException.BadRequest("The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw CallException.BadRequest(Describe(e));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
    }

    private static CallException TooLarge() => new(StatusCodes.Status413PayloadTooLarge, CallErrorKind.InvalidRequest,
        "The request body is larger than the server accepts.", code: "request_too_large");

    /// <summary>"$.messages[0].content" → "messages.0.content: …", in Anthropic's way of naming fields.</summary>
    internal static string Describe(JsonException e)
    {
        if (e.Path is null or "$")
        {
            return "The request body is not valid JSON.";
        }

        var path = e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path;
        path = path.Replace("[", ".", StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal);
        var reason = e.Message.StartsWith("content", StringComparison.Ordinal) ? e.Message
            : e.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type"
            : "is invalid";
        return $"{path}: {reason}";
    }
}
