using System.Diagnostics;
using Npgsql;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL 15 server in a temp folder on a free loopback port (trust auth; fsync off, a test database, unless
/// started <see cref="Durable"/>).
/// As root it runs as the <c>postgres</c> account, since PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly string Bin = Environment.GetEnvironmentVariable("OPENMAAS_PG_BIN")
        ?? (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Order().LastOrDefault() : null)
        ?? "/usr/lib/postgresql/15/bin";
    // Stopped by its watchdog when the test host exits (WatchTestHost).
    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(() => StartAsync());
    private Process? _process;
    private int _databases;

    private PostgresServer(string folder, int port, int maxConnections, bool durable)
    {
        Folder = folder;
        Port = port;
        MaxConnections = maxConnections;
        Durable = durable;
    }

    public string Folder { get; }

    public int Port { get; }

    /// <summary>The server's <c>max_connections</c>: 1000 for the suites, PostgreSQL's stock 100 where a test needs it.</summary>
    public int MaxConnections { get; }

    /// <summary>Started with a production's durability settings (<c>fsync</c>, <c>synchronous_commit</c> and
    /// <c>full_page_writes</c> on: a commit is on disk when it returns), where a test proves what survives a kill.</summary>
    public bool Durable { get; }

    private static string? RunAs => Environment.UserName == "root" ? "postgres" : null;

    /// <summary>One server for the whole test run; each fixture takes its own database on it.</summary>
    public static Task<PostgresServer> SharedAsync() => SharedServer.Value;

    public static bool Available => File.Exists(Path.Combine(Bin, "postgres"));

    public static async Task<PostgresServer> StartAsync(int maxConnections = 1000, bool durable = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), "openmaas-pg", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (RunAs is { } user)
        {
            await ServiceProcess.RunAsync("chown", [user, folder]);
            await ServiceProcess.RunAsync("chmod", ["755", Path.GetDirectoryName(folder)!]);
        }

        var (rc, output) = await ServiceProcess.RunAsync(Path.Combine(Bin, "initdb"),
            ["-D", Path.Combine(folder, "data"), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"], RunAs);
        if (rc != 0)
        {
            throw new InvalidOperationException($"initdb failed: {output}");
        }

        var server = new PostgresServer(folder, ServiceProcess.FreePort(), maxConnections, durable);
        await server.StartProcessAsync();
        server.WatchTestHost();
        return server;
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=15;Command Timeout=30;Maximum Pool Size=16";

    /// <summary>A new empty database on this server.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"openmaas_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server (fast shutdown), keeping its data.</summary>
    /// <remarks>
    /// As root the process started is <c>runuser</c>, which does not pass a signal on to the postmaster; <c>pg_ctl stop</c>
    /// signals the postmaster itself and waits until its lock file is gone, so a restart on the same folder can follow.
    /// </remarks>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        await ServiceProcess.RunAsync(Path.Combine(Bin, "pg_ctl"), ["stop", "-D", Path.Combine(Folder, "data"), "-m", "fast", "-w", "-t", "30"], RunAs);
        ServiceProcess.Stop(_process);
        _process = null;
    }

    private string[] DurabilitySettings => Durable
        ? ["-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "full_page_writes=on"]
        : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];

    public async Task StartProcessAsync()
    {
        _process = Process.Start(ServiceProcess.Start(Path.Combine(Bin, "postgres"),
            ["-D", Path.Combine(Folder, "data"), "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", Folder,
             "-c", "listen_addresses=127.0.0.1", .. DurabilitySettings,
             "-c", "max_connections=" + MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "shared_buffers=32MB"], RunAs))!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null && log.Count < 200) log.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null && log.Count < 200) log.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await ServiceProcess.WaitForPortAsync(Port, TimeSpan.FromSeconds(30));
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new InvalidOperationException($"PostgreSQL did not start on port {Port}: {string.Join('\n', log)}", e);
        }

        // Accepting TCP is not yet accepting queries (the startup packet is refused while it recovers).
        for (var i = 0; ; i++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (i < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>
    /// A watchdog outside the test host: when the host is gone — even killed, when no exit handler runs — it shuts the
    /// server down at once (SIGQUIT to the postmaster named in its pid file) and removes its folder, within a second.
    /// </summary>
    private void WatchTestHost()
    {
        var pidFile = Path.Combine(Folder, "data", "postmaster.pid");
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; " +
                     $"[ -f '{pidFile}' ] && kill -QUIT \"$(head -1 '{pidFile}')\" 2>/dev/null; sleep 1; rm -rf '{Folder}'";
        using var watchdog = Process.Start(ServiceProcess.Start("bash", ["-c", script]));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
