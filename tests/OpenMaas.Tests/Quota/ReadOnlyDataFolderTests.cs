using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

/// <summary>
/// The data folder (SQLite) on an ext4 file system of its own (a loop device) that turns read-only under load the way a
/// failing disk does: <c>mount -o remount,abort</c> aborts the journal and, with <c>errors=remount-ro</c>, the kernel
/// remounts it read-only under the node's open files (every write then fails with EROFS). Calls fail closed with 503
/// <c>database_unavailable</c> and <c>Retry-After</c> (never 500), <c>/readyz</c> says the storage is failing, nothing
/// is counted without its record; after the operator's repair (unmount, <c>e2fsck</c> of the device, mount, restart) the
/// counter equals the usage log; in power-safe mode the log holds every answered call, and in process-safe mode every call
/// answered before its fsync window (the last ≤ 100 ms may be lost, as in a power cut). Needs root, loop devices and <c>mkfs.ext4</c> (test.sh leaves it out, saying so, elsewhere).
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReadOnlyDataFolderTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", "readonly-" + Guid.NewGuid().ToString("N"));
    private string Image => _data + ".img";
    private string? _loop;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        await using (var image = File.Create(Image))
        {
            image.SetLength(256L << 20); // sparse: only what the node writes takes space
        }

        await Must("mkfs.ext4", "-q", "-F", Image);
        var (rc, loop) = await ServiceProcess.RunAsync("losetup", ["-f", "--show", Image]);
        Assert.True(rc == 0, $"a loop device for the data folder needs root and losetup: {loop}");
        _loop = loop.Trim();
        await Must("mount", "-o", "errors=remount-ro", _loop, _data);
    }

    [Theory]
    [InlineData("PowerSafe")]
    [InlineData("ProcessSafe")]
    public async Task DataFolderTurnsReadOnlyUnderLoad_CallsFailClosed_NothingCountedWithoutItsRecord(string durability)
    {
        Assert.Equal(0, (await Cli.RunAsync(_data, null, "model", "add", TestAssets.StoriesGguf, "--id", TestAssets.StoriesId, "--link")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(_data, null, "user", "add", "ro")).ExitCode);
        var token = (await Cli.RunAsync(_data, null, "token", "create", "--user", "ro", "--daily", "100000")).Stdout.Trim();
        var settings = new Dictionary<string, string>
        {
            ["OPENMAAS_Inference__ParallelSequences"] = "8",
            ["OPENMAAS_Quota__UsageLogDurability"] = durability,
        };

        var answers = new ConcurrentQueue<CallAnswer>();
        var answeredIds = new ConcurrentBag<(string Id, long At)>(); // the request id, and when its answer ended
        string readiness;
        long abortedAt;
        using (var server = await OpenMaasProcess.StartAsync(_data, settings))
        {
            using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using var response = await http.ChatAsync();
                    var answer = await CallAnswer.OfAsync(response);
                    answers.Enqueue(answer);
                    if (answer.Status == HttpStatusCode.OK)
                    {
                        answeredIds.Add((response.Headers.GetValues("x-request-id").Single(), Stopwatch.GetTimestamp()));
                    }
                }
            })).ToArray();

            // Process-safe mode promises what is older than its fsync window (100 ms); 1-token calls answer 20 in far less,
            // so the disk fails once 20 answers are older than a margin well past the window.
            await Eventually.WaitAsync(() => answeredIds.Count(a => Stopwatch.GetElapsedTime(a.At) > Settled) >= 20,
                $"20 calls answered more than {Settled.TotalSeconds} s before the disk fails", TimeSpan.FromMinutes(3));
            abortedAt = Stopwatch.GetTimestamp();
            await Must("mount", "-o", "remount,abort", _data);
            await Eventually.WaitAsync(() => answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable) >= 10, "10 calls failing closed on the read-only data folder", TimeSpan.FromMinutes(2));
            using var ready = await http.GetAsync("/readyz");
            readiness = $"{(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync()}";
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        // The operator's repair: the node is gone (killed), the file system checked and mounted again.
        await Must("umount", _data);
        var (fsck, fsckText) = await ServiceProcess.RunAsync("e2fsck", ["-f", "-y", _loop!]); // the device, as an operator would: its cache is what the next mount reads
        Assert.True(fsck is 0 or 1, $"e2fsck {fsck}: {fsckText}"); // 1: errors corrected
        await Must("mount", "-o", "errors=remount-ro", _loop!, _data);

        var all = answers.ToArray();
        var ok = all.Count(a => a.Status == HttpStatusCode.OK);
        HashSet<string> recorded;
        await using (var services = await OpenMaas.Server.Cli.CliServices.CreateAsync(_data))
        {
            var user = await services.GetRequiredService<IAccountService>().FindAsync("ro");
            var records = await services.GetRequiredService<IUsageQueries>().RecordsAsync(user!.Id, services.GetRequiredService<QuotaCalendar>().Today().Date);
            recorded = records.Where(r => r.Counted).Select(r => r.RequestId).ToHashSet();
        }

        int used;
        using (var restarted = await OpenMaasProcess.StartAsync(_data, settings))
        {
            using var http = new HttpClient { BaseAddress = new Uri(restarted.Url) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            used = (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32();
        }

        var counted = recorded.Count;
        var missing = answeredIds.Count(a => !recorded.Contains(a.Id));
        var settledMissing = answeredIds.Count(a => Stopwatch.GetElapsedTime(a.At, abortedAt) > Settled && !recorded.Contains(a.Id));
        var summary = $"{durability}: {CallAnswer.Summary(all)}; usage log {counted} counted after repair, {missing} answered calls missing ({settledMissing} answered over {Settled.TotalSeconds} s before the fault); counter {used} after restart; /readyz while read-only: {readiness}";
        output.WriteLine(summary);
        Assert.True(all.All(a => a.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable), summary);
        Assert.True(all.Where(a => a.Status != HttpStatusCode.OK).All(a => a.Envelope && a.RetryAfter && a.Code == "database_unavailable"), summary);
        Assert.StartsWith("503", readiness, StringComparison.Ordinal);
        Assert.Contains("storage", readiness, StringComparison.Ordinal);
        // In both modes: every call answered well before the disk failed (past the fsync window) is in the log.
        Assert.True(settledMissing == 0, summary);
        if (durability == "PowerSafe")
        {
            // Every answered call's record was on the disk before its answer ended.
            Assert.True(missing == 0 && counted >= 20, summary);
            // A commit whose fsync failed was answered 503 (and given back), yet the kernel may have written it anyway (a
            // failed fsync says nothing of what reached the disk): at most one group commit of the 8 workers' calls.
            Assert.True(counted - ok <= 8, summary);
        }

        Assert.True(used == counted, summary); // the counter after the restart is the log
    }

    /// <summary>Well past process-safe's fsync window (100 ms), with room for a busy machine's scheduling.</summary>
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(2);

    private static async Task Must(string command, params string[] args)
    {
        var (rc, text) = await ServiceProcess.RunAsync(command, args);
        Assert.True(rc == 0, $"{command} {string.Join(' ', args)}: {rc} {text}");
    }

    public async Task DisposeAsync()
    {
        await ServiceProcess.RunAsync("umount", ["-l", _data]);
        if (_loop is not null)
        {
            await ServiceProcess.RunAsync("losetup", ["-d", _loop]);
        }

        File.Delete(Image);
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
