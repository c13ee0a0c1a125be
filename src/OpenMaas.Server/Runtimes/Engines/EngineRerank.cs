using System.Net.Http.Headers;
using System.Text.Json;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Ranking;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>The typed path of a rerank on a model's engines, for what cannot pass through (the task API, and
/// <c>/v1/rerank</c> on Text Embeddings Inference): one <c>{model, query, documents}</c> request to <c>{url}/rerank</c>
/// (Jina/Cohere shape), or for a TEI deployment <c>{query, texts, return_text, truncate}</c> to <c>/rerank</c> at its
/// root; the engine's scores, unchanged, put back in the documents' order.</summary>
internal sealed class EngineRerank(UpstreamInvoker invoker)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<RerankScores> ScoreAsync(string modelId, string query, IReadOnlyList<string> documents, CancellationToken ct)
    {
        try
        {
            var request = new UpstreamRequest(modelId, "rerank", model => Body(model, query, documents), Streaming: false, null)
            {
                PerTarget = target => target.Api == UpstreamApis.Tei ? ("/rerank", TeiBody(query, documents)) : ("rerank", Body(target.UpstreamModel, query, documents)),
            };
            await using var answer = await invoker.SendAsync(request, ct);
            var json = (await EngineAnswer.ReadAllAsync(answer)).Span;
            return answer.Endpoint.Target.Api == UpstreamApis.Tei ? ReadTei(json, documents.Count, modelId) : Read(json, documents.Count, modelId);
        }
        catch (UpstreamException e)
        {
            throw EngineErrors.ToCallException(e, modelId);
        }
    }

    private static ByteArrayContent Body(string model, string query, IReadOnlyList<string> documents)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["model"] = model, ["query"] = query, ["documents"] = documents }));
        content.Headers.ContentType = Json;
        return content;
    }

    private static ByteArrayContent TeiBody(string query, IReadOnlyList<string> documents)
    {
        // OpenMaaS has the texts: none back. Long inputs are cut to the model's length, as a local model's are.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["query"] = query, ["texts"] = documents, ["return_text"] = false, ["truncate"] = true,
        }));
        content.Headers.ContentType = Json;
        return content;
    }

    /// <summary>The scores of TEI's <c>[{"index","score","text"?}]</c> (best first), by index; TEI counts no tokens.</summary>
    internal static RerankScores ReadTei(ReadOnlySpan<byte> json, int count, string modelId)
    {
        try
        {
            var scores = new float[count];
            var seen = new bool[count];
            foreach (var result in JsonDocument.Parse(json.ToArray()).RootElement.EnumerateArray())
            {
                var index = result.GetProperty("index").GetInt32();
                scores[index] = result.GetProperty("score").GetSingle();
                seen[index] = true;
            }

            return seen.All(s => s) ? new RerankScores(scores, 0) : throw new FormatException($"{seen.Count(s => s)} results for {count} documents");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw Unreadable(modelId, e);
        }
    }

    /// <summary>The scores of <c>{"results":[{"index","relevance_score"}],"usage":{"total_tokens"}}</c>, by index.</summary>
    internal static RerankScores Read(ReadOnlySpan<byte> json, int count, string modelId)
    {
        try
        {
            var root = JsonDocument.Parse(json.ToArray()).RootElement;
            var scores = new float[count];
            var seen = 0;
            foreach (var result in root.GetProperty("results").EnumerateArray())
            {
                var index = result.GetProperty("index").GetInt32();
                scores[index] = result.GetProperty("relevance_score").GetSingle();
                seen++;
            }

            var tokens = root.TryGetProperty("usage", out var usage) && usage.TryGetProperty("total_tokens", out var total) ? total.GetInt32() : 0;
            return seen == count ? new RerankScores(scores, tokens) : throw new FormatException($"{seen} results for {count} documents");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw Unreadable(modelId, e);
        }
    }

    private static CallException Unreadable(string modelId, Exception e) => new(StatusCodes.Status502BadGateway, CallErrorKind.Server,
        $"The inference engine of model '{modelId}' gave a rerank answer OpenMaaS cannot read ({e.Message}).", code: "upstream_error");
}
