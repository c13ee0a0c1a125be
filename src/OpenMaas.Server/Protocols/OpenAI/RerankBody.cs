using System.Text.Json;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary><c>POST /v1/rerank</c> body in the Jina / Cohere shape that vLLM, Xinference and Cherry Studio use:
/// <c>documents</c> are strings or <c>{"text": …}</c> objects.</summary>
public sealed record RerankBody
{
    public string Model { get; init; } = string.Empty;

    public JsonElement Query { get; init; }

    public JsonElement Documents { get; init; }

    /// <summary>How many results to return, best first; all when absent.</summary>
    public int? TopN { get; init; }

    /// <summary>Each result carries its document (<c>{"text": …}</c>).</summary>
    public bool? ReturnDocuments { get; init; }

    /// <summary>Checks every field that needs no model; returns the query and the documents' texts. Throws a 400.</summary>
    public (string Query, IReadOnlyList<string> Documents) Read()
    {
        if (string.IsNullOrEmpty(Model))
        {
            throw CallException.BadRequest("'model' is required.", "model");
        }

        var query = Query.ValueKind switch
        {
            JsonValueKind.String when Query.GetString() is { Length: > 0 } q => q,
            JsonValueKind.String => throw CallException.BadRequest("'query' must not be empty.", "query"),
            JsonValueKind.Undefined or JsonValueKind.Null => throw CallException.BadRequest("'query' is required.", "query"),
            _ => throw CallException.BadRequest("'query' must be a string.", "query"),
        };

        if (TopN is < 1)
        {
            throw CallException.BadRequest("'top_n' must be a positive integer.", "top_n");
        }

        if (Documents.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            throw CallException.BadRequest("'documents' is required.", "documents");
        }

        if (Documents.ValueKind != JsonValueKind.Array || Documents.GetArrayLength() == 0)
        {
            throw CallException.BadRequest("'documents' must be a non-empty array of strings or {\"text\": …} objects.", "documents");
        }

        var documents = new string[Documents.GetArrayLength()];
        var i = 0;
        foreach (var item in Documents.EnumerateArray())
        {
            documents[i] = Text(item, $"documents[{i}]");
            i++;
        }

        return (query, documents);
    }

    private static string Text(JsonElement item, string param) => item.ValueKind switch
    {
        JsonValueKind.String => item.GetString()!,
        JsonValueKind.Object when item.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String => text.GetString()!,
        _ => throw CallException.BadRequest($"'{param}' must be a string or an object with a string 'text'.", param),
    };
}
