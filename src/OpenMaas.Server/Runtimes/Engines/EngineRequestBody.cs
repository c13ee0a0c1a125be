using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// The client's OpenAI request as the engine gets it: every field as sent (tools, response_format, … included), with
/// <c>model</c> set to the engine's own name and, for a stream, <c>stream_options.include_usage</c> on so the call's
/// tokens can be counted. Copies the JSON token by token; nothing is re-serialized.
/// </summary>
internal static class EngineRequestBody
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <param name="clientBody">The client's JSON body.</param>
    /// <param name="upstreamModel">The engine's name of the model.</param>
    /// <param name="forceUsage">Ask for the usage chunk of a stream.</param>
    /// <param name="responseFormat">When set, the <c>response_format</c> the engine gets (images: <c>b64_json</c>, so
    /// OpenMaaS keeps and serves the images itself).</param>
    public static HttpContent Create(ReadOnlyMemory<byte> clientBody, string upstreamModel, bool forceUsage, string? responseFormat = null)
    {
        var output = new ArrayBufferWriter<byte>(clientBody.Length + 64);
        Rewrite(clientBody.Span, upstreamModel, forceUsage, output, responseFormat);
        var content = new ReadOnlyMemoryContent(output.WrittenMemory);
        content.Headers.ContentType = Json;
        return content;
    }

    internal static void Rewrite(ReadOnlySpan<byte> body, string upstreamModel, bool forceUsage, IBufferWriter<byte> output, string? responseFormat = null)
    {
        var reader = new Utf8JsonReader(body);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The request body must be a JSON object.");
        }

        writer.WriteStartObject();
        var sawOptions = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Skip();
                writer.WriteString("model"u8, upstreamModel);
            }
            else if (responseFormat is not null && reader.ValueTextEquals("response_format"u8))
            {
                reader.Read();
                reader.Skip();
            }
            else if (forceUsage && reader.ValueTextEquals("stream_options"u8))
            {
                sawOptions = true;
                reader.Read();
                writer.WritePropertyName("stream_options"u8);
                WriteStreamOptions(ref reader, body, writer);
            }
            else
            {
                CopyProperty(ref reader, body, writer);
            }
        }

        if (responseFormat is not null)
        {
            writer.WriteString("response_format"u8, responseFormat);
        }

        if (forceUsage && !sawOptions)
        {
            writer.WritePropertyName("stream_options"u8);
            writer.WriteStartObject();
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Copies the client's stream options but with <c>include_usage: true</c>.</summary>
    private static void WriteStreamOptions(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("include_usage"u8))
                {
                    reader.Read();
                    reader.Skip();
                }
                else
                {
                    CopyProperty(ref reader, body, writer);
                }
            }
        }

        writer.WriteBoolean("include_usage"u8, true);
        writer.WriteEndObject();
    }

    /// <summary>Copies the property the reader is on (name and value), the value as raw bytes.</summary>
    private static void CopyProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, Utf8JsonWriter writer)
    {
        if (reader.ValueIsEscaped)
        {
            writer.WritePropertyName(reader.GetString()!);
        }
        else
        {
            writer.WritePropertyName(reader.ValueSpan);
        }

        reader.Read();
        var valueStart = (int)reader.TokenStartIndex;
        reader.Skip();
        writer.WriteRawValue(body[valueStart..(int)reader.BytesConsumed], skipInputValidation: true);
    }
}
