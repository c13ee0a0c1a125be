using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>Writes the <c>/v1/embeddings</c> answer: <c>{"object":"list","data":[{"object":"embedding","index",
/// "embedding"}],"model","usage":{"prompt_tokens","total_tokens"}}</c>, vectors as float arrays or base64 of
/// little-endian float32.</summary>
public static class EmbeddingsFormat
{
    public static byte[] Write(string model, IReadOnlyList<Embedding> embeddings, bool base64)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (embeddings.Count * (base64 ? 2100 : 4200)));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            for (var i = 0; i < embeddings.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                if (base64)
                {
                    json.WriteBase64String("embedding", MemoryMarshal.AsBytes(embeddings[i].Vector.AsSpan()));
                }
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (var value in embeddings[i].Vector)
                    {
                        json.WriteNumberValue(value);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("model", model);
            var tokens = embeddings.Sum(e => e.Tokens);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", tokens);
            json.WriteNumber("total_tokens", tokens);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
