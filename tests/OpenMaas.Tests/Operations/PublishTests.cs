using System.Diagnostics;
using System.Net;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Operations;

/// <summary>
/// <c>./openmaas publish DIR</c> makes a self-contained linux-x64 folder; its <c>openmaas</c> executable runs the CLI
/// and <c>serve</c> on a fresh data folder with no .NET SDK or shared runtime (DOTNET_ROOT pointed nowhere, PATH
/// without dotnet) and answers a real call.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PublishTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "openmaas-tests", "publish-" + Guid.NewGuid().ToString("N"));

    private string Published => Path.Combine(_root, "app");

    private string Data => Path.Combine(_root, "data");

    [Fact]
    public async Task ThePublishedFolder_ServesAFreshDataFolder_WithoutTheSdk()
    {
        var publish = await RunAsync("bash", [Path.Combine(TestAssets.RepoRoot, "openmaas"), "publish", Published], TimeSpan.FromMinutes(12), withSdk: true);
        Assert.True(publish.ExitCode == 0, publish.Output);
        Assert.True(File.Exists(Path.Combine(Published, "libcoreclr.so")), "the runtime is not in the published folder");
        Assert.Contains("includedFrameworks", await File.ReadAllTextAsync(Path.Combine(Published, "openmaas.runtimeconfig.json")), StringComparison.Ordinal);

        var app = Path.Combine(Published, "openmaas");
        Assert.Equal(0, (await RunAsync(app, ["model", "add", TestAssets.StoriesGguf, "--id", TestAssets.StoriesId, "--data", Data])).ExitCode);
        Assert.Equal(0, (await RunAsync(app, ["user", "add", "shipped", "--data", Data])).ExitCode);
        var token = (await RunAsync(app, ["token", "create", "--user", "shipped", "--data", Data])).Output.Trim().Split('\n')[0].Trim();
        Assert.StartsWith("ms-", token, StringComparison.Ordinal);

        var url = $"http://127.0.0.1:{ServiceProcess.FreePort()}";
        using var serve = Process.Start(Start(app, ["serve", "--urls", url, "--data", Data], withSdk: false))!;
        serve.OutputDataReceived += (_, _) => { };
        serve.ErrorDataReceived += (_, _) => { };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            await Eventually.WaitAsync(async () =>
            {
                Assert.False(serve.HasExited, $"the published server exited with {(serve.HasExited ? serve.ExitCode : 0)}");
                try
                {
                    return (await http.GetAsync("/health")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "the published server to start", TimeSpan.FromMinutes(2));
            using var call = await http.ChatAsync();
            Assert.True(call.StatusCode == HttpStatusCode.OK, await call.Content.ReadAsStringAsync());
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static ProcessStartInfo Start(string file, string[] args, bool withSdk)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (!withSdk)
        {
            start.Environment["PATH"] = "/nonexistent";
            start.Environment["DOTNET_ROOT"] = "/nonexistent";
        }

        return start;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, TimeSpan? timeout = null, bool withSdk = false)
    {
        using var process = Process.Start(Start(file, args, withSdk))!;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
