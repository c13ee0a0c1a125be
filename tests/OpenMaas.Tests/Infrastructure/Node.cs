using System.Diagnostics;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>Runs a node script from tests/node (its node_modules come from `npm ci`, done by .ci/run).</summary>
public static class Node
{
    public static string TestsFolder => Path.Combine(TestAssets.RepoRoot, "tests", "node");

    public static async Task<(int ExitCode, string Output)> RunAsync(string script, IDictionary<string, string> env, TimeSpan? timeout = null)
    {
        if (!Directory.Exists(Path.Combine(TestsFolder, "node_modules")))
        {
            throw new InvalidOperationException($"Run `npm ci` in {TestsFolder} first (.ci/run does).");
        }

        var start = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = TestsFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
