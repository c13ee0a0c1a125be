using System.Diagnostics;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>A real redis-server on a free loopback port, without persistence (a restart loses every key).</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static bool Available => File.Exists("/usr/bin/redis-server");

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(ServiceProcess.FreePort());
        await server.StartProcessAsync();
        return server;
    }

    public async Task StartProcessAsync()
    {
        _process = Process.Start(ServiceProcess.Start("redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", Path.GetTempPath(), "--protected-mode", "no"]))!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await ServiceProcess.WaitForPortAsync(Port, TimeSpan.FromSeconds(20));
    }

    /// <summary>Stops Redis at once (SIGKILL): every counter is lost, as in a crash without persistence.</summary>
    public Task StopAsync()
    {
        ServiceProcess.Stop(_process, graceful: false);
        _process = null;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
