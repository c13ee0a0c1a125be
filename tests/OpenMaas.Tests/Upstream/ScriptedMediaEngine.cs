using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenMaas.Tests.Onnx;

namespace OpenMaas.Tests.Upstream;

/// <summary>
/// A scripted engine on loopback (real Kestrel) that speaks OpenAI's images API the way LocalAI or
/// stable-diffusion.cpp's server do — no image model runs on this machine, so it answers with a real PNG from
/// ../shared/testdata — and records what it received. A test switches it to fail.
/// </summary>
public sealed class ScriptedMediaEngine : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;

    private ScriptedMediaEngine(WebApplication app) => _app = app;

    /// <summary>The WAV every speech answer carries (JFK's "ask not", 11 s).</summary>
    public static byte[] Wav { get; } = File.ReadAllBytes(OnnxTestHost.Data("audio/jfk.wav"));

    /// <summary>What the scripted transcription says.</summary>
    public const string Transcript = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";

    /// <summary>The PNG every image answer carries (a 28×28 MNIST digit).</summary>
    public static byte[] Png { get; } = File.ReadAllBytes(OnnxTestHost.Data("mnist/digit_3.png"));

    /// <summary>Answer 500 to inference calls.</summary>
    public bool Fail { get; set; }

    /// <summary>While set, image generations wait for it before answering (a long-running engine).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Answer images as links (<c>{"data":[{"url"}]}</c>) under <see cref="LinkOrigin"/> (this engine's own
    /// origin when null), as engines that write their pictures to disk and serve them do.</summary>
    public bool AnswerUrls { get; set; }

    /// <summary>The origin the links point to (another host's, to test that OpenMaaS refuses them).</summary>
    public string? LinkOrigin { get; set; }

    /// <summary>The file the links name: <c>picture.png</c> (the PNG) or <c>huge.png</c> (<see cref="HugeBytes"/> bytes).</summary>
    public string LinkedFile { get; set; } = "picture.png";

    /// <summary>The size of <c>huge.png</c>.</summary>
    public const int HugeBytes = 2 << 20;

    private int _fetches;

    /// <summary>GETs of linked images received.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>POSTs received.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The path of the last call.</summary>
    public string? LastPath { get; private set; }

    /// <summary>The JSON body of the last generations or speech call.</summary>
    public JsonElement LastJson { get; private set; }

    /// <summary>The text fields of the last edits call.</summary>
    public Dictionary<string, string> LastFields { get; private set; } = [];

    /// <summary>The files of the last edits call: field name → bytes.</summary>
    public Dictionary<string, byte[]> LastFiles { get; private set; } = [];

    public Uri V1 { get; private set; } = null!;

    public static async Task<ScriptedMediaEngine> StartAsync()
    {
        ScriptedMediaEngine engine = null!;
        var (app, v1) = await LoopbackApp.StartAsync(app =>
        {
            engine = new ScriptedMediaEngine(app);
            app.MapGet("/v1/models", () => Results.Text("""{"object":"list","data":[{"id":"painter","object":"model"}]}""", "application/json"));
            app.MapPost("/v1/images/generations", engine.GenerationsAsync);
            app.MapPost("/v1/images/edits", engine.EditsAsync);
            app.MapPost("/v1/audio/transcriptions", engine.TranscriptionsAsync);
            app.MapPost("/v1/audio/translations", engine.TranscriptionsAsync);
            app.MapPost("/v1/audio/speech", engine.SpeechAsync);
            app.MapGet("/generated/{name}", engine.LinkedAsync);
        });
        engine.V1 = v1;
        return engine;
    }

    private async Task GenerationsAsync(HttpContext http)
    {
        Interlocked.Increment(ref _calls);
        LastJson = (await JsonDocument.ParseAsync(http.Request.Body)).RootElement.Clone();
        var n = LastJson.TryGetProperty("n", out var count) ? count.GetInt32() : 1;
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(http.RequestAborted);
        }

        await AnswerAsync(http, n);
    }

    private async Task EditsAsync(HttpContext http)
    {
        await ReadFormAsync(http);
        await AnswerAsync(http, 1);
    }

    private async Task TranscriptionsAsync(HttpContext http)
    {
        await ReadFormAsync(http);
        if (Fail)
        {
            http.Response.StatusCode = 500;
            return;
        }

        var format = LastFields.GetValueOrDefault("response_format", "json");
        http.Response.ContentType = format is "json" or "verbose_json" ? "application/json" : "text/plain";
        await http.Response.WriteAsync(format switch
        {
            "json" => JsonSerializer.Serialize(new { text = Transcript }),
            "srt" => $"1\n00:00:00,000 --> 00:00:11,000\n{Transcript}\n",
            _ => Transcript,
        });
    }

    // Streams the WAV back in pieces, as an engine synthesising speech does.
    private async Task SpeechAsync(HttpContext http)
    {
        Interlocked.Increment(ref _calls);
        LastPath = http.Request.Path;
        LastJson = (await JsonDocument.ParseAsync(http.Request.Body)).RootElement.Clone();
        http.Response.ContentType = "audio/wav";
        for (var offset = 0; offset < Wav.Length; offset += 32 * 1024)
        {
            await http.Response.Body.WriteAsync(Wav.AsMemory(offset, Math.Min(32 * 1024, Wav.Length - offset)));
            await http.Response.Body.FlushAsync();
        }
    }

    private async Task ReadFormAsync(HttpContext http)
    {
        Interlocked.Increment(ref _calls);
        LastPath = http.Request.Path;
        var form = await http.Request.ReadFormAsync();
        LastFields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        var files = new Dictionary<string, byte[]>();
        foreach (var file in form.Files)
        {
            using var bytes = new MemoryStream();
            await file.CopyToAsync(bytes);
            files[file.Name] = bytes.ToArray();
        }

        LastFiles = files;
    }

    private async Task AnswerAsync(HttpContext http, int n)
    {
        if (Fail)
        {
            http.Response.StatusCode = 500;
            await http.Response.WriteAsync("""{"error":{"message":"CUDA out of memory at /srv/secret","type":"server_error"}}""");
            return;
        }

        var origin = LinkOrigin ?? $"{http.Request.Scheme}://{http.Request.Host}";
        var item = AnswerUrls ? $$"""{"url":"{{origin}}/generated/{{LinkedFile}}"}""" : $$"""{"b64_json":"{{Convert.ToBase64String(Png)}}"}""";
        var data = string.Join(',', Enumerable.Repeat(item, n));
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync($$"""{"created":1700000000,"data":[{{data}}]}""");
    }

    private async Task LinkedAsync(HttpContext http, string name)
    {
        Interlocked.Increment(ref _fetches);
        http.Response.ContentType = "image/png";
        await http.Response.Body.WriteAsync(name == "huge.png" ? new byte[HugeBytes] : Png);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationToken(true));
        await _app.DisposeAsync();
    }
}
