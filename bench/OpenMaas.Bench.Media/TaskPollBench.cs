using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Tasks;

namespace OpenMaas.Bench.Media;

/// <summary>
/// <c>GET /v1/tasks/{id}</c> (ModelScope's poll, header <c>X-ModelScope-Task-Type: image_generation</c>) with 10,000
/// tasks stored (9,000 of other users, 1,000 of the caller; nine in ten SUCCEED with two images, one in ten FAILED —
/// finished, so the node's worker has nothing to run): POLLS sequential polls of random tasks of the caller after a
/// warm-up that lasts until the JIT is done, the client's time per request on loopback, and the CPU per poll of this process (client and server) and of
/// the PostgreSQL server (<see cref="CpuClock"/>); SQLite or PostgreSQL.
/// </summary>
internal static class TaskPollBench
{
    private const int Tasks = 10_000, Mine = 1_000, WarmUpBatch = 300, MaxWarmUpBatches = 20;

    public static async Task RunAsync(int polls, string? database)
    {
        await using var server = await BenchServer.StartAsync(database is null ? [] : [$"ConnectionStrings:Default={database}"]);
        var store = server.Services.GetRequiredService<InferenceTaskStore>();
        var random = new Random(42);
        var now = DateTimeOffset.UtcNow;
        var mine = new List<string>(Mine);
        var fill = Stopwatch.StartNew();
        await Parallel.ForAsync(0, Tasks, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var own = i % (Tasks / Mine) == 0;
            var task = Make(own ? server.UserId : 1_000_000 + i, now.AddSeconds(-i), i);
            await store.AddAsync(task, ct);
            if (own)
            {
                lock (mine)
                {
                    mine.Add(task.Id);
                }
            }
        });
        fill.Stop();

        // Warm-up until the JIT is done: batches of polls until one compiles (almost) no new method, so the measured
        // polls run tier-1 code (as a server that has run a while does) and no background recompilation competes with them.
        var warmUp = 0;
        for (var batch = 0; batch < MaxWarmUpBatches; batch++)
        {
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            for (var i = 0; i < WarmUpBatch; i++)
            {
                await PollAsync(server.Client, mine[random.Next(mine.Count)]);
            }

            warmUp += WarmUpBatch;
            if (batch > 0 && System.Runtime.JitInfo.GetCompiledMethodCount() - compiled <= 2)
            {
                break;
            }
        }

        var cpu = await CpuClock.ForAsync(database);
        var (process, pg, threads) = (cpu.Process(), cpu.Server(), CpuClock.Threads());
        var times = new double[polls];
        for (var i = 0; i < polls; i++)
        {
            times[i] = await PollAsync(server.Client, mine[random.Next(mine.Count)]);
        }

        if (Environment.GetEnvironmentVariable("BENCH_THREADS") is "1")
        {
            foreach (var (name, ticks) in CpuClock.Threads().OrderByDescending(t => t.Value - threads.GetValueOrDefault(t.Key)).Take(12))
            {
                Console.Error.WriteLine($"thread {name}: {(ticks - threads.GetValueOrDefault(name)) * 10} ms");
            }
        }

        var processUs = (cpu.Process() - process).TotalMicroseconds / polls;
        var pgUs = cpu.Server() is { } after && pg is { } before ? Stats.F((after - before).TotalMicroseconds / polls, "F0") : "–";
        Console.WriteLine($"| {(database is null ? "SQLite" : "PostgreSQL")} | {Tasks:N0} | {Stats.F(fill.Elapsed.TotalSeconds, "F1")} s | " +
            $"{Stats.F(Stats.Percentile(times, 0.5))} | {Stats.F(Stats.Percentile(times, 0.99))} | {Stats.F(times.Max())} | {polls} | " +
            $"{Stats.F(processUs, "F0")} | {pgUs} | {warmUp} |");
    }

    private static async Task<double> PollAsync(HttpClient client, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/tasks/" + id);
        request.Headers.Add("X-ModelScope-Task-Type", "image_generation");
        var start = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        return elapsed;
    }

    private static InferenceTask Make(long userId, DateTimeOffset created, int i) => new()
    {
        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        Kind = "image_generation",
        UserId = userId,
        ModelId = "bench/painter",
        RequestId = "req-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Request = """{"model":"bench/painter","prompt":"A golden cat on a red chair, oil painting","size":"1024x1024","seed":7}"""u8.ToArray(),
        Status = i % 10 == 3 ? TaskStatuses.Failed : TaskStatuses.Succeeded,
        CreatedAt = created,
        CreatedAtMs = created.ToUnixTimeMilliseconds(),
        StartedAt = created,
        FinishedAt = created.AddSeconds(8),
        Outputs = i % 10 == 3 ? null : $"{userId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}.png\n{userId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}.png",
        ErrorCode = i % 10 == 3 ? "upstream_error" : null,
        ErrorMessage = i % 10 == 3 ? "The inference engine of model 'bench/painter' failed (HTTP 500)." : null,
    };
}
