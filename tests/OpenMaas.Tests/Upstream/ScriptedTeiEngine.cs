using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenMaas.Tests.Upstream;

/// <summary>
/// A scripted Hugging Face Text Embeddings Inference (real Kestrel on loopback; no TEI binary or reranker runs here):
/// <c>POST /rerank</c> <c>{query, texts, return_text, truncate}</c> answers TEI's <c>[{index, score, text?}]</c>, best
/// first, with scores it makes up from the texts (the share of the query's words a text contains, plus a small
/// per-index part so no two are equal); <c>GET /health</c> answers 200. It records what it received.
/// </summary>
public sealed class ScriptedTeiEngine : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedTeiEngine(WebApplication app) => _app = app;

    /// <summary>The base URL a deployment is configured with (<c>…/v1</c>, as for TEI's OpenAI embeddings).</summary>
    public Uri V1 { get; private set; } = null!;

    /// <summary>The path and JSON body of the last rerank.</summary>
    public string? LastPath { get; private set; }

    public JsonElement LastJson { get; private set; }

    /// <summary>The scores it answered last, by text index.</summary>
    public float[] LastScores { get; private set; } = [];

    /// <summary>Answer something that is not TEI's shape.</summary>
    public bool Garbled { get; set; }

    public static async Task<ScriptedTeiEngine> StartAsync()
    {
        ScriptedTeiEngine engine = null!;
        var (app, v1) = await LoopbackApp.StartAsync(app =>
        {
            engine = new ScriptedTeiEngine(app);
            app.MapGet("/health", () => Results.Ok());
            app.MapPost("/rerank", engine.RerankAsync);
        });
        engine.V1 = v1;
        return engine;
    }

    /// <summary>The made-up score of <paramref name="text"/> at <paramref name="index"/> for <paramref name="query"/>.</summary>
    public static float Score(string query, string text, int index)
    {
        var words = query.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var hits = words.Count(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
        return (hits / (float)words.Length * 0.9f) + (0.001f * (index + 1) / 7f);
    }

    private async Task RerankAsync(HttpContext http)
    {
        LastPath = http.Request.Path;
        LastJson = (await JsonDocument.ParseAsync(http.Request.Body)).RootElement.Clone();
        http.Response.ContentType = "application/json";
        if (Garbled)
        {
            await http.Response.WriteAsync("""{"results":"nope"}""");
            return;
        }

        var query = LastJson.GetProperty("query").GetString()!;
        var texts = LastJson.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var withText = LastJson.TryGetProperty("return_text", out var r) && r.GetBoolean();
        LastScores = [.. texts.Select((t, i) => Score(query, t, i))];
        var ranked = Enumerable.Range(0, texts.Length).OrderByDescending(i => LastScores[i]).Select(i => withText
            ? (object)new { index = i, score = LastScores[i], text = texts[i] }
            : new { index = i, score = LastScores[i] });
        await http.Response.WriteAsync(JsonSerializer.Serialize(ranked));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationToken(true));
        await _app.DisposeAsync();
    }
}
