using System.Buffers;
using System.Text.Json;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>Reads a whole (JSON) answer of an engine, bounded. Throws <see cref="UpstreamException"/> when it breaks
/// or is too large (the deployment is then ejected).</summary>
internal static class EngineAnswer
{
    /// <param name="answer">The engine's answer, its first bytes in.</param>
    /// <param name="maxBytes">Beyond this the answer is refused as an engine error; the engines' bound
    /// (<see cref="UpstreamOptions.MaxAnswerBytes"/>) when not given.</param>
    public static async ValueTask<ReadOnlyMemory<byte>> ReadAllAsync(UpstreamResponse answer, int? maxBytes = null)
    {
        var max = maxBytes ?? answer.MaxAnswerBytes;
        var first = answer.Buffer.AsMemory(0, answer.FirstCount);
        if (answer.ContentLength is { } length && length == answer.FirstCount)
        {
            return first;
        }

        if (answer.ContentLength > max || answer.FirstCount > max)
        {
            throw TooLarge(answer, max);
        }

        var more = new ArrayBufferWriter<byte>(Math.Max(answer.FirstCount * 2, (int)Math.Min(answer.ContentLength ?? 0, Math.Min(max, 64 << 20))));
        more.Write(first.Span);
        int n;
        while ((n = await answer.ReadAsync(more.GetMemory(16 * 1024))) > 0)
        {
            more.Advance(n);
            if (more.WrittenCount > max)
            {
                throw TooLarge(answer, max);
            }
        }

        return more.WrittenMemory;
    }

    /// <summary>A whole answer that must be one JSON object (chat, completions, embeddings, rerank, responses): read
    /// bounded, then checked, so truncated JSON, an HTML error page or an event stream sent to a plain call is a 502
    /// and never passed on as a 200.</summary>
    public static async ValueTask<ReadOnlyMemory<byte>> ReadObjectAsync(UpstreamResponse answer)
    {
        var content = await ReadAllAsync(answer);
        return IsObject(content.Span) ? content : throw answer.Fail(UpstreamFailure.Malformed, "its answer is not a JSON object.");
    }

    /// <summary>True when <paramref name="json"/> is exactly one well-formed JSON object (whitespace around allowed).</summary>
    internal static bool IsObject(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static UpstreamException TooLarge(UpstreamResponse answer, int max) =>
        answer.Fail(UpstreamFailure.Malformed, $"its answer is larger than {max} bytes.");
}
