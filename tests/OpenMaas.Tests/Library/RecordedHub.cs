using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenMaas.Tests.Library;

/// <summary>
/// A stand-in for ModelScope (which cannot be reached from here) on loopback: it answers the hub calls of
/// <c>model pull</c> with recorded answers in ModelScope's shape (field names and values as the modelscope SDK's own test
/// data and <c>HubApi</c> read them), and serves a file's bytes with HTTP Range. <c>stallFirstDownload</c> makes
/// the first file request send half the bytes and then go silent, as a stalled connection does.
/// </summary>
internal sealed class RecordedHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _downloads;

    private RecordedHub(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The Range header of each file request ("" when none), in order.</summary>
    public List<string> FileRequests { get; } = [];

    public static async Task<RecordedHub> StartAsync(string modelInfoJson, string fileListJson, byte[] file, bool stallFirstDownload = false)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var hub = new RecordedHub(app, new Uri($"http://127.0.0.1:{port}/"));
        app.MapGet("/api/v1/models/{owner}/{name}", () => Results.Text(modelInfoJson, "application/json"));
        app.MapGet("/api/v1/models/{owner}/{name}/repo/files", () => Results.Text(fileListJson, "application/json"));
        app.MapGet("/api/v1/models/{owner}/{name}/repo", async (HttpContext http) =>
        {
            lock (hub.FileRequests)
            {
                hub.FileRequests.Add(http.Request.Headers.Range.ToString());
            }

            if (stallFirstDownload && Interlocked.Increment(ref hub._downloads) == 1)
            {
                http.Response.ContentLength = file.Length;
                await http.Response.Body.WriteAsync(file.AsMemory(0, file.Length / 2));
                await http.Response.Body.FlushAsync();
                await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.Empty;
            }

            return Results.Bytes(file, "application/octet-stream", enableRangeProcessing: true);
        });
        await app.StartAsync();
        return hub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
