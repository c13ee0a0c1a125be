using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenMaas.Bench.Media;

/// <summary>
/// RSS while CONCURRENT (20) uploads of SIZE_MB (20) MB each stream through <c>/v1/audio/transcriptions</c> to a scripted
/// engine (in this process, real Kestrel on loopback: it drains each request and answers <c>{"text"}</c> with the byte
/// count it received). The uploads are written on the fly by the client (nothing held), so the process's RSS shows
/// whether the server holds a whole body: sampled every 20 ms from /proc/self/status; baseline after one warm-up upload
/// and a full GC, peak during the run, and after it.
/// </summary>
internal static class UploadBench
{
    public static async Task RunAsync(int concurrent, int sizeMb)
    {
        var received = 0L;
        var engine = await StartEngineAsync(n => Interlocked.Add(ref received, n));
        var v1 = engine.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";
        await using var server = await BenchServer.StartAsync(
            "Upstreams:HealthCheckSeconds=0.5", "Upstreams:Models:bench/whisper:Task=auto-speech-recognition",
            $"Upstreams:Models:bench/whisper:Deployments:0:Url={v1}", "Upstreams:Models:bench/whisper:Deployments:0:UpstreamModel=whisper",
            $"Audio:MaxUploadBytes={(sizeMb + 1) << 20}");
        var bytes = (long)sizeMb << 20;

        // Warm-up: until the configured model is in the library and its engine healthy, then one upload.
        for (var i = 0; ; i++)
        {
            using var response = await UploadAsync(server.Client, 1 << 20);
            if (response.IsSuccessStatusCode)
            {
                break;
            }

            if (i > 200)
            {
                throw new InvalidOperationException($"warm-up: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(100);
        }

        using (var warm = await UploadAsync(server.Client, bytes))
        {
            if (!warm.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"warm-up: {(int)warm.StatusCode} {await warm.Content.ReadAsStringAsync()}");
            }
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var baseline = RssMiB();
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, RssMiB());
                await Task.Delay(20, CancellationToken.None);
            }
        });

        var before = Interlocked.Read(ref received);
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, concurrent).Select(async _ =>
        {
            using var response = await UploadAsync(server.Client, bytes);
            return response.StatusCode;
        }));
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;
        var after = RssMiB();
        var through = Interlocked.Read(ref received) - before;
        await engine.StopAsync();
        await engine.DisposeAsync();

        if (statuses.Any(s => s != HttpStatusCode.OK))
        {
            throw new InvalidOperationException("uploads failed: " + string.Join(", ", statuses.Distinct()));
        }

        Console.WriteLine("| uploads | bytes the engine received | wall | RSS baseline MiB | RSS peak MiB | peak − baseline MiB | RSS after MiB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {concurrent} × {sizeMb} MB at once | {through / 1048576.0:F0} MiB | {Stats.F(clock.Elapsed.TotalSeconds, "F1")} s | " +
            $"{Stats.F(baseline, "F0")} | {Stats.F(peak, "F0")} | {Stats.F(peak - baseline, "F0")} | {Stats.F(after, "F0")} |");
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient http, long bytes)
    {
        var file = new GeneratedContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        var form = new MultipartFormDataContent { { new StringContent("bench/whisper"), "model" }, { file, "file", "speech.wav" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/transcriptions") { Content = form };
        return await http.SendAsync(request);
    }

    private static async Task<WebApplication> StartEngineAsync(Action<long> add)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/v1/models", () => Results.Text("""{"object":"list","data":[{"id":"whisper"}]}""", "application/json"));
        app.MapPost("/v1/audio/transcriptions", async (HttpContext http) =>
        {
            var buffer = new byte[64 * 1024];
            long n = 0;
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer)) > 0)
            {
                n += read;
            }

            add(n);
            return Results.Json(new { text = $"received {n} bytes" });
        });
        await app.StartAsync();
        return app;
    }

    private static double RssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return 0;
    }

    /// <summary>A body of <c>bytes</c> pseudo-random bytes written in 64 KiB pieces as it is sent (never held).</summary>
    private sealed class GeneratedContent(long bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var piece = new byte[64 * 1024];
            new Random(7).NextBytes(piece);
            for (var left = bytes; left > 0; left -= piece.Length)
            {
                await stream.WriteAsync(piece.AsMemory(0, (int)Math.Min(piece.Length, left)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes;
            return true;
        }
    }
}
