using System.Collections.Concurrent;
using System.Diagnostics;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>A real <c>openmaas serve</c> process on a free loopback port (one node of a cluster in the scaling tests).</summary>
public sealed class ServedNode : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _log = new();

    private ServedNode(Process process, Uri url)
    {
        Process = process;
        Url = url;
    }

    public Process Process { get; }

    public Uri Url { get; }

    /// <summary>The last lines the node wrote (for failure messages).</summary>
    public string Log => string.Join('\n', _log);

    public static async Task<ServedNode> StartAsync(string dataPath, params string[] args)
    {
        var url = new Uri($"http://127.0.0.1:{ServiceProcess.FreePort()}");
        var start = OpenMaasProcess.Serve(url.ToString().TrimEnd('/'), dataPath, ["--Logging:LogLevel:Default=Warning", .. args]);
        var node = new ServedNode(Process.Start(start)!, url);
        node.Process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        node.Process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        node.Process.BeginOutputReadLine();
        node.Process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        // A cold start took over a minute on the shared 2-core machine at load 45.
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(4))
        {
            if (node.Process.HasExited)
            {
                throw new InvalidOperationException($"openmaas serve exited with {node.Process.ExitCode}:\n{node.Log}");
            }

            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        await node.DisposeAsync();
        throw new TimeoutException($"openmaas serve did not start:\n{node.Log}");
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromMinutes(2) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>SIGTERM and wait for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        ServiceProcess.Signal(Process.Id, "TERM");
        using var cts = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(cts.Token);
        return Process.ExitCode;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 200)
        {
            _log.TryDequeue(out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }
}
