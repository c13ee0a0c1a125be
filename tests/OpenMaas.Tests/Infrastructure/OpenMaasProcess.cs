using System.Diagnostics;

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
}
