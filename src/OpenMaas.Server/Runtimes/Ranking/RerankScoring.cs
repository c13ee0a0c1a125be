using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Ranking;

/// <summary>Runs a prepared local rerank: one score per document, in the documents' order. Runtime failures surface as
/// <see cref="CallException"/> (503 busy, 500 failed).</summary>
internal static class RerankScoring
{
    public static async Task<RerankScores> ScoreAsync(PreparedRerank prepared, CancellationToken ct)
    {
        try
        {
            switch (prepared)
            {
                case PreparedRerank.CrossEncoder cross:
                    var scores = await cross.Model.ScoreAsync(cross.Query, cross.Documents, ct);
                    return new RerankScores([.. scores.Select(s => s.Score)], scores.Sum(s => s.Tokens));
                case PreparedRerank.Cosine cosine:
                    // One batch: the query and every document, so concurrent calls share model runs too.
                    var vectors = await cosine.Model.EmbedAsync([cosine.Query, .. cosine.Documents], ct);
                    var query = vectors[0].Vector;
                    return new RerankScores([.. vectors.Skip(1).Select(v => Dot(query, v.Vector))], vectors.Sum(v => v.Tokens));
                case PreparedRerank.Engine engine:
                    return await engine.Engines.ScoreAsync(engine.ModelId, engine.Query, engine.Documents, ct);
                default:
                    throw new ArgumentOutOfRangeException(nameof(prepared), "a pass-through rerank is not scored here.");
            }
        }
        catch (Exception e) when (RuntimeFailures.IsRuntimeFailure(e))
        {
            throw RuntimeFailures.Translate(e, prepared.ModelId);
        }
    }

    /// <summary>Indices of the documents, best first (ties keep the documents' order), at most <paramref name="topN"/>.</summary>
    public static int[] Order(IReadOnlyList<float> scores, int? topN)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        return topN is { } n && n < order.Length ? order[..n] : order;
    }

    private static float Dot(float[] a, float[] b)
    {
        double dot = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return (float)dot;
    }
}
