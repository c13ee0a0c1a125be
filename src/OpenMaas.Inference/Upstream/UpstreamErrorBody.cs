using System.Text;
using System.Text.Json;

namespace OpenMaas.Inference.Upstream;

/// <summary>Finds the human message in an engine's error answer: OpenAI's <c>error.message</c>, Ollama's
/// <c>error</c> string, vLLM/FastAPI's <c>message</c> or <c>detail</c>; cut short and cleaned of the API key.</summary>
internal static class UpstreamErrorBody
{
    private const int MaxBytes = 8192;
    private const int MaxChars = 500;

    public static async Task<string?> ReadMessageAsync(HttpResponseMessage response, string? apiKey, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxBytes];
            var total = 0;
            int n;
            while (total < MaxBytes && (n = await body.ReadAsync(buffer.AsMemory(total), ct)) > 0)
            {
                total += n;
            }

            bytes = buffer[..total];
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return null;
        }

        return Clean(Extract(bytes), apiKey);
    }

    internal static string? Extract(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString();
                }

                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    return m.GetString();
                }
            }

            foreach (var name in (ReadOnlySpan<string>)["message", "detail"])
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
            }

            return null;
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page of a proxy in front of the engine): say nothing rather than pass markup on.
            return null;
        }
    }

    internal static string? Clean(string? message, string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        if (apiKey is { Length: > 0 })
        {
            message = message.Replace(apiKey, "[redacted]", StringComparison.Ordinal);
        }

        var text = new StringBuilder(Math.Min(message.Length, MaxChars));
        foreach (var c in message.AsSpan(0, Math.Min(message.Length, MaxChars)))
        {
            text.Append(char.IsControl(c) ? ' ' : c);
        }

        return message.Length > MaxChars ? text.Append('…').ToString() : text.ToString();
    }
}
