using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

/// <summary>
/// The data folder (SQLite) on a small tmpfs of its own that the test fills up under load — a real disk full, the
/// kernel answering ENOSPC to SQLite — then frees: calls fail closed with 503 <c>database_unavailable</c> and
/// <c>Retry-After</c> (never 500), nothing is counted without its record, and calls are answered again by themselves
/// once there is space. Needs root and <c>mount</c> (the suites run as root).
/// </summary>
[Trait("Category", "Slow")]
public sealed class DiskFullTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", "diskfull-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        var (rc, text) = await ServiceProcess.RunAsync("mount", ["-t", "tmpfs", "-o", "size=48m", "tmpfs", _data]);
        Assert.True(rc == 0, $"mounting a tmpfs for the data folder needs root and mount: {text}");
    }

    [Fact]
    public async Task DiskFullUnderLoad_CallsFailClosed_NothingCountedWithoutItsRecord_AndServiceComesBackWhenSpaceReturns()
    {
        Assert.Equal(0, (await Cli.RunAsync(_data, null, "model", "add", TestAssets.StoriesGguf, "--id", TestAssets.StoriesId, "--link")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(_data, null, "user", "add", "full")).ExitCode);
        var token = (await Cli.RunAsync(_data, null, "token", "create", "--user", "full", "--daily", "100000")).Stdout.Trim();

        var answers = new ConcurrentQueue<CallAnswer>();
        var filler = Path.Combine(_data, "filler");
        using (var server = await OpenMaasProcess.StartAsync(_data, new Dictionary<string, string> { ["OPENMAAS_Inference__ParallelSequences"] = "8" }))
        {
            using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    answers.Enqueue(await CallAsync(http));
                }
            })).ToArray();

            await Eventually.WaitAsync(() => answers.Count(a => a.Status == HttpStatusCode.OK) >= 20, "20 calls answered before the disk fills", TimeSpan.FromMinutes(3));
            var written = Fill(filler);
            await Eventually.WaitAsync(() => answers.Any(a => a.Status == HttpStatusCode.ServiceUnavailable), $"a call failing closed on the full disk ({written} bytes filled)");
            var whenFull = answers.Count;
            File.Delete(filler);
            await Eventually.WaitAsync(() => answers.Skip(whenFull).Count(a => a.Status == HttpStatusCode.OK) >= 20, "20 calls answered once the space is back");
            await stop.CancelAsync();
            await Task.WhenAll(workers);

            var all = answers.ToArray();
            var seen = CallAnswer.Summary(all);
            var used = (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32();
            await using var services = await OpenMaas.Server.Cli.CliServices.CreateAsync(_data);
            var user = await services.GetRequiredService<IAccountService>().FindAsync("full");
            var records = await services.GetRequiredService<IUsageQueries>().RecordsAsync(user!.Id, services.GetRequiredService<QuotaCalendar>().Today().Date);
            var counted = records.Count(r => r.Counted);
            var ok = all.Count(a => a.Status == HttpStatusCode.OK);
            var summary = $"{seen}; usage log {counted} counted; counter {used}";
            output.WriteLine(summary);
            Assert.True(all.All(a => a.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable), summary);
            Assert.True(all.Where(a => a.Status != HttpStatusCode.OK).All(a => a.Envelope && a.RetryAfter && a.Code == "database_unavailable"), summary);
            Assert.True(counted == ok, summary); // every answered call recorded, no failed one counted
            Assert.True(used == counted, summary); // nothing admitted without its record
        }
    }

    /// <summary>Writes zeros until the file system says it is full; returns how many bytes it took.</summary>
    private static long Fill(string path)
    {
        var chunk = new byte[1 << 16];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        try
        {
            while (true)
            {
                file.Write(chunk);
                file.Flush();
            }
        }
        catch (IOException)
        {
            return file.Position; // ENOSPC: the disk is full
        }
    }

    private static async Task<CallAnswer> CallAsync(HttpClient http)
    {
        using var response = await http.ChatAsync();
        return await CallAnswer.OfAsync(response);
    }

    public async Task DisposeAsync()
    {
        await ServiceProcess.RunAsync("umount", ["-l", _data]);
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
