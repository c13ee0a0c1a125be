using System.Buffers;
using System.Text.Json;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>Writes OpenAI's images answer <c>{"created","data":[{"url"}|{"b64_json"}]}</c>.</summary>
public static class ImagesFormat
{
    /// <param name="created">Unix seconds.</param>
    /// <param name="urls">Links to the images, or null.</param>
    /// <param name="images">The image bytes when written as base64 (when <paramref name="urls"/> is null).</param>
    public static byte[] Write(long created, IReadOnlyList<string>? urls, IReadOnlyList<byte[]> images)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (urls is null ? images.Sum(i => (i.Length * 4 / 3) + 32) : urls.Sum(u => u.Length + 16)));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("created", created);
            json.WriteStartArray("data");
            for (var i = 0; i < images.Count; i++)
            {
                json.WriteStartObject();
                if (urls is not null)
                {
                    json.WriteString("url", urls[i]);
                }
                else
                {
                    json.WriteBase64String("b64_json", images[i]);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
