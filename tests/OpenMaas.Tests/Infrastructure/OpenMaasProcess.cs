using System.Diagnostics;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>Starts the real server (<c>openmaas serve</c>) as a child process, e.g. to kill it with SIGKILL.</summary>
public static class OpenMaasProcess
{
    public static ProcessStartInfo Serve(string url, string dataPath)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Cli.ServerDll, "serve", "--urls", url, "--data", dataPath })
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
