using System.Buffers;
using System.Text.Json;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>Writes the <c>/v1/rerank</c> answer: <c>{"id","model","results":[{"index","relevance_score",
/// "document"?:{"text"}}],"usage":{"total_tokens"}}</c>, results best first.</summary>
public static class RerankFormat
{
    /// <param name="id">The answer's id.</param>
    /// <param name="model">The Model ID called.</param>
    /// <param name="order">Indices of the documents to list, best first.</param>
    /// <param name="scores">Every document's score, in the documents' order.</param>
    /// <param name="documents">The documents' texts when the client asked for them back; otherwise null.</param>
    /// <param name="tokens">Tokens the model read.</param>
    public static byte[] Write(string id, string model, IReadOnlyList<int> order, IReadOnlyList<float> scores, IReadOnlyList<string>? documents, int tokens)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + (order.Count * 64));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("model", model);
            json.WriteStartArray("results");
            foreach (var index in order)
            {
                json.WriteStartObject();
                json.WriteNumber("index", index);
                json.WriteNumber("relevance_score", scores[index]);
                if (documents is not null)
                {
                    json.WriteStartObject("document");
                    json.WriteString("text", documents[index]);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("usage");
            json.WriteNumber("total_tokens", tokens);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
