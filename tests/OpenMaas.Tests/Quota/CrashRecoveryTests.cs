using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

/// <summary>The real server as a child process under load, killed with SIGKILL and restarted: every call whose
/// response completed is in the usage log and counted, against the user and against the token's own cap.</summary>
[Trait("Category", "Slow")]
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", "crash-" + Guid.NewGuid().ToString("N"));
    private string _durability = "ProcessSafe";

    /// <summary>Both durability modes keep every answered call through a SIGKILL of OpenMaaS (they differ on a power
    /// cut, which a test cannot make).</summary>
    [Theory]
    [InlineData("ProcessSafe")]
    [InlineData("PowerSafe")]
    public async Task Sigkill_UnderLoad_LosesNoCompletedCall(string durability)
    {
        _durability = durability;
        Assert.Equal(0, (await Cli.RunAsync(_data, null, "model", "add", TestAssets.StoriesGguf, "--id", TestAssets.StoriesId, "--link")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(_data, null, "user", "add", "crash")).ExitCode);
        var token = (await Cli.RunAsync(_data, null, "token", "create", "--user", "crash", "--daily", "100000")).Stdout.Trim();

        var completed = new ConcurrentBag<string>();
        var inFlight = 0;
        using (var server = await StartAsync())
        {
            using var http = Client(server.Url, token);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 24).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        Interlocked.Increment(ref inFlight);
                        using var response = await http.ChatAsync();
                        await response.Content.ReadAsByteArrayAsync(); // completed: the whole response arrived
                        Interlocked.Decrement(ref inFlight);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            completed.Add(response.Headers.GetValues("X-Request-Id").Single());
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToArray();

            // Under load until some calls completed (the first one loads the model; on a busy machine that alone can take
            // seconds), then SIGKILL while calls are in flight.
            await Eventually.WaitAsync(() => completed.Count > 20, "20 calls completed before the kill", TimeSpan.FromMinutes(3));
            await Eventually.WaitAsync(() => Volatile.Read(ref inFlight) >= 12, "half the workers with a call in flight");
            server.Process.Kill(); // SIGKILL: no shutdown, no flush
            await server.Process.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        Assert.True(completed.Count > 20, $"only {completed.Count} calls completed before the kill");
        using (var restarted = await StartAsync())
        {
            using var http = Client(restarted.Url, token);
            var used = (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32();
            Assert.True(used >= completed.Count, $"counter shows {used} calls after restart, {completed.Count} had completed");

            await using var services = await OpenMaas.Server.Cli.CliServices.CreateAsync(_data);
            var user = await services.GetRequiredService<IAccountService>().FindAsync("crash");
            var day = services.GetRequiredService<QuotaCalendar>().Today().Date;
            var records = await services.GetRequiredService<IUsageQueries>().RecordsAsync(user!.Id, day);
            var logged = records.Where(r => r.Counted).Select(r => r.RequestId).ToHashSet();
            Assert.Equal([], completed.Where(id => !logged.Contains(id)).ToArray());
            Assert.Equal(logged.Count, used);

            // The token's own counter was rebuilt too: its cap has exactly what the log holds, plus this call, used.
            using var next = await http.ChatAsync();
            Assert.Equal((100000 - logged.Count - 1).ToString(), next.Header(OpenMaas.Server.Pipeline.QuotaResponses.TokenRemainingHeader));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static HttpClient Client(string url, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private Task<OpenMaasProcess.Running> StartAsync() => OpenMaasProcess.StartAsync(_data, new Dictionary<string, string>
    {
        ["OPENMAAS_Inference__ParallelSequences"] = "16",
        ["OPENMAAS_Inference__QueueLimit"] = "2000",
        ["OPENMAAS_Quota__UsageLogDurability"] = _durability,
    });
}
