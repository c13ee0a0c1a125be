using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OpenMaas.Server.Pipeline;

/// <summary>How a surface names a field in its 400s: OpenAI's <c>Invalid value for 'messages[0].role': …</c> (with
/// the field as <c>param</c>), or Anthropic's <c>messages.0.role: …</c>.</summary>
public enum FieldPathStyle
{
    /// <summary>OpenAI's (and the console's): <c>messages[0].role</c>.</summary>
    Brackets,

    /// <summary>Anthropic's: <c>messages.0.role</c>.</summary>
    Dots,
}

/// <summary>
/// The one reader of JSON request bodies, for every surface: checks the media type (415), reads the whole body (413
/// beyond the server's limit, 400 when shorter than its Content-Length), and parses it, turning every client mistake
/// into a 400 <see cref="CallException"/> that names the field. Only the spelling of field paths differs by surface.
/// The bytes are kept, so a request can be passed to an engine exactly as it was sent.
/// </summary>
public static class JsonBodyReader
{
    /// <summary>Reads and parses the body into <typeparamref name="T"/>; returns it with the bytes as received.</summary>
    public static async ValueTask<(T Value, ReadOnlyMemory<byte> Bytes)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, FieldPathStyle style)
        where T : class
    {
        var bytes = await ReadBytesAsync(context);
        return (Parse(bytes, typeInfo, style), bytes);
    }

    /// <summary>Parses <paramref name="bytes"/> (a whole body) into <typeparamref name="T"/>; throws 400.</summary>
    public static T Parse<T>(ReadOnlyMemory<byte> bytes, JsonTypeInfo<T> typeInfo, FieldPathStyle style)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(bytes.Span, typeInfo) ?? throw CallException.BadRequest("The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw CallException.BadRequest(Describe(e, style), style == FieldPathStyle.Brackets ? ParamOf(e.Path) : null);
        }
    }

    /// <summary>Parses <paramref name="bytes"/> as a JSON document; throws 400 when it is not JSON.</summary>
    public static JsonDocument ParseDocument(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw CallException.BadRequest(Describe(e, FieldPathStyle.Brackets));
        }
    }

    /// <summary>Checks the media type (JSON) and reads the whole body.</summary>
    public static async ValueTask<ReadOnlyMemory<byte>> ReadBytesAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw CallException.UnsupportedMediaType(type, "application/json");
        }

        try
        {
            if (request.ContentLength is { } length and <= int.MaxValue)
            {
                var bytes = new byte[length];
                await request.Body.ReadExactlyAsync(bytes, context.RequestAborted);
                return CheckText(bytes);
            }

            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            return CheckText(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (EndOfStreamException)
        {
            throw CallException.BadRequest("The request body is shorter than its Content-Length.");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw CallException.RequestTooLarge();
        }
    }

    /// <summary>What was wrong, in the surface's words: the field's path and why (a converter's own message, or the
    /// wire-level reason; System.Text.Json's own messages name .NET types and are not shown).</summary>
    /// <summary>
    /// Text every later step can take: valid UTF-8 (System.Text.Json checks a string's bytes only when it is read, and
    /// then throws what is not a <see cref="JsonException"/>), and no <c>\uD800</c>-style escape of half a surrogate
    /// pair (it parses, then fails every writer and tokenizer downstream).
    /// </summary>
    private static ReadOnlyMemory<byte> CheckText(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        if (!System.Text.Unicode.Utf8.IsValid(span))
        {
            throw CallException.BadRequest("The request body is not valid UTF-8.");
        }

        for (var at = span.IndexOf("\\u"u8); at >= 0; at = Next(span, at + 2))
        {
            if (IsEscaped(span, at) || Surrogate(span, at + 2) is not { } high)
            {
                continue;
            }

            // A high half must be followed by an escaped low half; a low half alone is unpaired.
            if (!high || IsEscaped(span, at + 6) || span.Length < at + 12 || !span[(at + 6)..].StartsWith("\\u"u8) || Surrogate(span, at + 8) != false)
            {
                throw CallException.BadRequest("The request body has a \\u escape of half a UTF-16 surrogate pair, which is not text.");
            }

            at += 6; // the low half is consumed with its high half
        }

        return body;

        static int Next(ReadOnlySpan<byte> text, int from) => from >= text.Length ? -1 : text[from..].IndexOf("\\u"u8) is var i and >= 0 ? from + i : -1;

        // An odd number of backslashes before 'u' makes an escape; an even number is an escaped backslash and text.
        static bool IsEscaped(ReadOnlySpan<byte> text, int backslash)
        {
            var count = 0;
            for (var i = backslash - 1; i >= 0 && text[i] == (byte)'\\'; i--)
            {
                count++;
            }

            return count % 2 == 1;
        }

        // True: a high surrogate (D800–DBFF); false: a low one (DC00–DFFF); null: not a surrogate.
        static bool? Surrogate(ReadOnlySpan<byte> text, int hex)
        {
            if (text.Length < hex + 4 || (text[hex] | 0x20) != 'd')
            {
                return null;
            }

            return (text[hex + 1] | 0x20) switch
            {
                (byte)'8' or (byte)'9' or (byte)'a' or (byte)'b' => true,
                (byte)'c' or (byte)'d' or (byte)'e' or (byte)'f' => false,
                _ => null,
            };
        }
    }

    internal static string Describe(JsonException e, FieldPathStyle style)
    {
        if (e.Path is null or "$")
        {
            return e.BytePositionInLine is null && e.LineNumber is null
                ? "The request body is not valid JSON."
                : $"The request body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine}).";
        }

        var reason = IsOwnMessage(e.Message) ? e.Message
            : e.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type"
            : e.InnerException?.Message ?? "is invalid";
        var path = ParamOf(e.Path)!;
        return style == FieldPathStyle.Brackets
            ? $"Invalid value for '{path}': {reason.TrimEnd('.')}."
            : $"{path.Replace("[", ".", StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal)}: {reason}";
    }

    /// <summary>Messages the wire converters write for the caller (they start with the field they are about).</summary>
    private static bool IsOwnMessage(string message) =>
        message.StartsWith("stop ", StringComparison.Ordinal) || message.StartsWith("prompt ", StringComparison.Ordinal)
        || message.StartsWith("content ", StringComparison.Ordinal) || message.StartsWith("each content", StringComparison.Ordinal);

    /// <summary>"$.messages[0].role" → "messages[0].role".</summary>
    private static string? ParamOf(string? path) => path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
