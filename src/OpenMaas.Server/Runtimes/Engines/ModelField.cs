using System.Buffers;
using System.Text.Json;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// Puts the OpenMaaS Model ID the client called in place of the engine's own model name in the top-level
/// <c>model</c> of an answer or a stream chunk, as a direct local model answers. Only that string token is replaced
/// (found by a JSON reader, not a text search); everything else passes on byte for byte, and a payload that is not a
/// JSON object, or has no top-level <c>model</c> string (an error envelope), passes on unchanged.
/// </summary>
internal sealed class ModelField(string modelId)
{
    /// <summary>The Model ID as a JSON string token, quotes included.</summary>
    private readonly byte[] _token = [(byte)'"', .. JsonEncodedText.Encode(modelId).EncodedUtf8Bytes, (byte)'"'];

    /// <summary>The length of <paramref name="payload"/> once written.</summary>
    public int LengthOf(ReadOnlySpan<byte> payload) =>
        TryFind(payload, out _, out var length) ? payload.Length - length + _token.Length : payload.Length;

    /// <summary>Writes <paramref name="payload"/> with its top-level model replaced.</summary>
    public void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> payload)
    {
        if (!TryFind(payload, out var start, out var length))
        {
            output.Write(payload);
            return;
        }

        output.Write(payload[..start]);
        output.Write(_token);
        output.Write(payload[(start + length)..]);
    }

    /// <summary>The byte range of the top-level <c>model</c> string token (quotes included).</summary>
    internal static bool TryFind(ReadOnlySpan<byte> json, out int start, out int length)
    {
        start = length = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                reader.Read();
                if (isModel && reader.TokenType == JsonTokenType.String)
                {
                    start = (int)reader.TokenStartIndex;
                    length = (int)reader.BytesConsumed - start;
                    return true;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON (or cut): passed on as it came.
        }

        return false;
    }
}
