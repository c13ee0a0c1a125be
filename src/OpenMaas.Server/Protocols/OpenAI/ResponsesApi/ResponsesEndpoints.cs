using System.Text.Json;
using OpenMaas.Core.Responses;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.OpenAI.ResponsesApi;

/// <summary>OpenAI's Responses API on /v1: <c>POST /v1/responses</c> through the call pipeline (one call, recorded as
/// <c>openai</c> / <c>responses</c>), and the stored answers of the caller: <c>GET</c> and <c>DELETE
/// /v1/responses/{id}</c>, <c>GET /v1/responses/{id}/input_items</c> (free; another user's id is 404).</summary>
internal static class ResponsesEndpoints
{
    public static IEndpointRouteBuilder MapResponses(this IEndpointRouteBuilder v1)
    {
        v1.MapInference<ResponsesAdapter, ResponsesCall, PreparedGeneration>("/responses").WithName("Responses");
        v1.MapGet("/responses/{id}", GetAsync).WithName("GetResponse");
        v1.MapDelete("/responses/{id}", DeleteAsync).WithName("DeleteResponse");
        v1.MapGet("/responses/{id}/input_items", InputItemsAsync).WithName("ResponseInputItems");
        return v1;
    }

    internal static async Task<IResult> GetAsync(string id, HttpContext http, IResponseStore store)
    {
        var stored = await FindAsync(id, http, store);
        return TypedResults.Text(stored.ResponseJson, "application/json");
    }

    internal static async Task<IResult> DeleteAsync(string id, HttpContext http, IResponseStore store)
    {
        if (!await store.DeleteAsync(id, http.User.UserId() ?? 0, http.RequestAborted))
        {
            throw NotFound(id);
        }

        return TypedResults.Json(new Dictionary<string, object> { ["id"] = id, ["object"] = "response.deleted", ["deleted"] = true }, ResponsesJson.Default.DictionaryStringObject);
    }

    internal static async Task<IResult> InputItemsAsync(string id, HttpContext http, IResponseStore store, int? limit, string? order, string? after, string? before)
    {
        if (limit is < 1 or > 100)
        {
            throw CallException.BadRequest($"limit must be between 1 and 100 (got {limit}).", "limit");
        }

        if (order is not (null or "asc" or "desc"))
        {
            throw CallException.BadRequest($"Invalid value '{order}' for order: expected asc or desc.", "order");
        }

        var stored = await FindAsync(id, http, store);
        var items = ResponsesAdapter.Deserialize(stored.InputJson);
        if (order != "asc")
        {
            items.Reverse();
        }

        var start = 0;
        if (after is not null)
        {
            var at = items.FindIndex(i => i.Id == after);
            start = at < 0 ? items.Count : at + 1;
        }

        var end = items.Count;
        if (before is not null)
        {
            var at = items.FindIndex(i => i.Id == before);
            end = at < 0 ? end : at;
        }

        var page = items.Skip(start).Take(Math.Max(0, Math.Min(end - start, limit ?? 20))).ToList();
        var hasMore = start + page.Count < end;
        return TypedResults.Stream(async body =>
        {
            await using var w = new Utf8JsonWriter(body);
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var item in page)
            {
                ResponseWriter.WriteInputItem(w, item);
            }

            w.WriteEndArray();
            WriteId(w, "first_id", page.FirstOrDefault()?.Id);
            WriteId(w, "last_id", page.LastOrDefault()?.Id);
            w.WriteBoolean("has_more", hasMore);
            w.WriteEndObject();
        }, "application/json");
    }

    private static void WriteId(Utf8JsonWriter w, string name, string? id)
    {
        if (id is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, id);
        }
    }

    private static async Task<StoredResponse> FindAsync(string id, HttpContext http, IResponseStore store) =>
        await store.FindAsync(id, http.User.UserId() ?? 0, http.RequestAborted) ?? throw NotFound(id);

    private static CallException NotFound(string id) =>
        new(StatusCodes.Status404NotFound, CallErrorKind.NotFound, $"Response with id '{id}' not found.", "response_id", "not_found");
}
