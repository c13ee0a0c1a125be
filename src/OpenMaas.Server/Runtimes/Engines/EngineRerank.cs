using System.Net.Http.Headers;
using System.Text.Json;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Ranking;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>The typed path of a rerank on a model's engines, for surfaces that do not speak the engine's shape (the
/// task API): one <c>{model, query, documents}</c> request to <c>{url}/rerank</c>, the engine's scores put back in
/// the documents' order.</summary>
internal sealed class EngineRerank(UpstreamInvoker invoker)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<RerankScores> ScoreAsync(string modelId, string query, IReadOnlyList<string> documents, CancellationToken ct)
    {
        try
        {
            await using var answer = await invoker.SendAsync(new UpstreamRequest(modelId, "rerank", model => Body(model, query, documents), Streaming: false, null), ct);
            return Read((await EngineAnswer.ReadAllAsync(answer)).Span, documents.Count, modelId);
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
            throw new CallException(StatusCodes.Status502BadGateway, CallErrorKind.Server,
                $"The inference engine of model '{modelId}' gave a rerank answer OpenMaaS cannot read ({e.Message}).", code: "upstream_error");
        }
    }
}
