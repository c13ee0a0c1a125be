using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMaas.Bench.Media;

/// <summary>
/// Rerank of 1 query × 100 documents on the built-in MiniLM (scored by cosine) against embedding the same 101 texts
/// through <c>/v1/embeddings</c> (one request): the two calls alternate, ROUNDS times after a warm-up, one at a time;
/// medians and p90 of the client's time per call, and the ratio of the medians.
/// </summary>
internal static class RerankBench
{
    private const string Model = "sentence-transformers/all-MiniLM-L6-v2";

    private static readonly string[] Words =
        ("the a of to and in is it that for on with as was at by this be from or have an not are but which one you all were " +
         "bread cheese horse rider model server token request answer cache queue memory weight layer batch stream prompt").Split(' ');

    public static async Task RunAsync(int rounds)
    {
        await using var server = await BenchServer.StartAsync("Onnx:BuiltInEmbeddingModel=true");
        var random = new Random(42);
        var query = Sentence(random, 12);
        var documents = Enumerable.Range(0, 100).Select(_ => Sentence(random, 24)).ToArray();
        var rerank = new { model = Model, query, documents };
        var embed = new { model = Model, input = documents.Prepend(query).ToArray(), encoding_format = "float" };
        var (rerankMs, embedMs) = await AlternateAsync(server.Client, rerank, embed, rounds);
        var (r50, e50) = (Stats.Percentile(rerankMs, 0.5), Stats.Percentile(embedMs, 0.5));
        Console.WriteLine("| call (built-in MiniLM, 1 query + 100 documents of ~24 words) | p50 ms | p90 ms | n |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| POST /v1/rerank, 100 documents | {Stats.F(r50)} | {Stats.F(Stats.Percentile(rerankMs, 0.9))} | {rounds} |");
        Console.WriteLine($"| POST /v1/embeddings, the same 101 texts in one request | {Stats.F(e50)} | {Stats.F(Stats.Percentile(embedMs, 0.9))} | {rounds} |");
        Console.WriteLine($"| ratio rerank / embeddings (p50) | {Stats.F(r50 / e50)}× | | |");
    }

    /// <summary><c>/v1/rerank</c> with <paramref name="rerank"/> and <c>/v1/embeddings</c> with <paramref name="embed"/>,
    /// alternating, one call at a time: 10 warm-up rounds, then <paramref name="rounds"/> timed; client ms per call.</summary>
    internal static async Task<(List<double> Rerank, List<double> Embed)> AlternateAsync(HttpClient http, object rerank, object embed, int rounds)
    {
        for (var i = 0; i < 10; i++)
        {
            await TimeAsync(http, "/v1/rerank", rerank);
            await TimeAsync(http, "/v1/embeddings", embed);
        }

        var rerankMs = new List<double>();
        var embedMs = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            rerankMs.Add(await TimeAsync(http, "/v1/rerank", rerank));
            embedMs.Add(await TimeAsync(http, "/v1/embeddings", embed));
        }

        return (rerankMs, embedMs);
    }

    private static async Task<double> TimeAsync(HttpClient http, string path, object body)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await http.PostAsJsonAsync(path, body);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        }

        using var json = JsonDocument.Parse(bytes);
        return elapsed;
    }

    internal static string Sentence(Random random, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)])) + ".";
}
