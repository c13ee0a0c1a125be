using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>Starts the real server (<c>openmaas serve</c>) as a child process, e.g. to kill it with SIGKILL.</summary>
public static class OpenMaasProcess
{
    public static ProcessStartInfo Serve(string url, string dataPath, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] database = TestDatabase.Of(dataPath) is { } d ? ["--database", d] : [];
        string[] args = [Cli.ServerDll, "serve", "--urls", url, "--data", dataPath, .. database, .. settings];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Starts <c>openmaas serve</c> on a free loopback port and waits for <c>/health</c>.</summary>
    /// <param name="environment">Extra settings, e.g. <c>OPENMAAS_Quota__Enabled=false</c>.</param>
    public static async Task<Running> StartAsync(string dataPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();
        var start = Serve(url, dataPath);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        // Up to 2 minutes: on a busy shared machine a cold start (JIT, first database, admin bootstrap) took 36 s.
        for (var i = 0; i < 1200; i++)
        {
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return new Running(process, url);
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        process.Kill();
        throw new TimeoutException("openmaas serve did not start");
    }

    public sealed record Running(Process Process, string Url) : IDisposable
    {
        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit();
            }

            Process.Dispose();
        }
    }
}
