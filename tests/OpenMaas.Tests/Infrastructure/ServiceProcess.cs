using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>Helpers for the database and Redis servers the tests start on loopback.</summary>
public static class ServiceProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program to its end; as root, as <paramref name="asUser"/> (PostgreSQL refuses root).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, string? asUser = null)
    {
        using var process = Process.Start(Start(file, args, asUser))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public static ProcessStartInfo Start(string file, IEnumerable<string> args, string? asUser = null)
    {
        var dropRoot = asUser is not null && Environment.UserName == "root";
        var start = new ProcessStartInfo(dropRoot ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (dropRoot)
        {
            foreach (var a in new[] { "-u", asUser!, "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return start;
    }

    /// <summary>Waits until something accepts TCP connections on the port.</summary>
    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }

    public static void Stop(Process? process, bool graceful = true)
    {
        if (process is null || process.HasExited)
        {
            return;
        }

        if (graceful)
        {
            Signal(process.Id, "INT");
            if (process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                return;
            }
        }

        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>Sends a POSIX signal (SIGTERM, SIGINT) by process id.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
