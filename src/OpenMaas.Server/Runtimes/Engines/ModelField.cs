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
    public int LengthOf(ReadOnlySpan<byte> payload) => LengthOf(payload, Find(payload));

    /// <summary>Where the top-level <c>model</c> string token of <paramref name="payload"/> is (one read, for both
    /// <see cref="LengthOf(ReadOnlySpan{byte}, EventShape)"/> and <see cref="Write(IBufferWriter{byte}, ReadOnlySpan{byte}, EventShape)"/>).</summary>
    public static EventShape Find(ReadOnlySpan<byte> payload) =>
        TryFind(payload, out var start, out var length) ? new EventShape(start, length, false) : EventShape.None;

    /// <summary>The length of <paramref name="payload"/> once written with the model token at <paramref name="shape"/>.</summary>
    public int LengthOf(ReadOnlySpan<byte> payload, EventShape shape) =>
        shape.ModelStart < 0 ? payload.Length : payload.Length - shape.ModelLength + _token.Length;

    /// <summary>Writes <paramref name="payload"/> with its top-level model replaced.</summary>
    public void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> payload) => Write(output, payload, Find(payload));

    /// <summary>Writes <paramref name="payload"/> with its model replaced where <paramref name="shape"/> says the token is
    /// (found by the check that read a stream event, or by <see cref="Find"/>).</summary>
    public void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> payload, EventShape shape)
    {
        if (shape.ModelStart < 0)
        {
            output.Write(payload);
            return;
        }

        output.Write(payload[..shape.ModelStart]);
        output.Write(_token);
        output.Write(payload[(shape.ModelStart + shape.ModelLength)..]);
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
