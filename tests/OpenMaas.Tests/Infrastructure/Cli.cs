using System.Diagnostics;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>Runs the real `openmaas` CLI (the server's dll, copied next to the tests) as a separate process.</summary>
public static class Cli
{
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "openmaas.dll");

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string dataPath, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
        };
        start.ArgumentList.Add(ServerDll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(dataPath);
        if (TestDatabase.Of(dataPath) is { } database)
        {
            start.ArgumentList.Add("--database");
            start.ArgumentList.Add(database);
        }

        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3)); // generous: a busy 2-core machine starts .NET slowly
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
