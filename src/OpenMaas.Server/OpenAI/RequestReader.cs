using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.OpenAI;

/// <summary>Reads a JSON request body into a wire record, turning every client mistake into a 400/413/415 <see cref="CallException"/>.</summary>
public static class RequestReader
{
    public static async ValueTask<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var request = context.Request;
        if (request.ContentType is { } ct && !ct.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new CallException(StatusCodes.Status415UnsupportedMediaType, CallErrorKind.InvalidRequest,
                $"Unsupported Content-Type '{ct}': send application/json.");
        }

        try
        {
            // Read whole, then parse: faster than parsing the stream, and an upstream model passes on the bytes as sent.
            var bytes = await ReadBodyAsync(request, context.RequestAborted);
            context.Features.Set(new Upstream.RawRequestBody(bytes));
            var value = JsonSerializer.Deserialize(bytes.Span, typeInfo);
            return value ?? throw CallException.BadRequest("The request body must be a JSON object.");
        }
        catch (EndOfStreamException)
        {
            throw CallException.BadRequest("The request body is shorter than its Content-Length.");
        }
        catch (JsonException e)
        {
            throw CallException.BadRequest(Describe(e), ParamOf(e.Path));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new CallException(StatusCodes.Status413PayloadTooLarge, CallErrorKind.InvalidRequest,
                "The request body is larger than the server accepts.", code: "request_too_large");
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is { } length and <= int.MaxValue)
        {
            var bytes = new byte[length];
            await request.Body.ReadExactlyAsync(bytes, ct);
            return bytes;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static string Describe(JsonException e)
    {
        if (e.Path is null or "$")
        {
            return e.BytePositionInLine is null && e.LineNumber is null
                ? "The request body is not valid JSON."
                : $"The request body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine}).";
        }

        // System.Text.Json messages name the .NET type; keep the path and say what was wrong in wire terms.
        var reason = e.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? "has the wrong type"
            : e.InnerException?.Message ?? "is invalid";
        if (e.Message.StartsWith("stop ", StringComparison.Ordinal) || e.Message.StartsWith("prompt ", StringComparison.Ordinal) || e.Message.StartsWith("content ", StringComparison.Ordinal) ||
            e.Message.StartsWith("each content", StringComparison.Ordinal))
        {
            reason = e.Message;
        }

        return $"Invalid value for '{ParamOf(e.Path)}': {reason}.";
    }

    /// <summary>"$.messages[0].role" → "messages[0].role".</summary>
    private static string? ParamOf(string? path) => path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
