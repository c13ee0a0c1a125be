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
/// warm-up, the client's time per request on loopback; SQLite or PostgreSQL.
/// </summary>
internal static class TaskPollBench
{
    private const int Tasks = 10_000, Mine = 1_000, WarmUp = 300;

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

        var times = new double[polls];
        for (var i = -WarmUp; i < polls; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/tasks/" + mine[random.Next(mine.Count)]);
            request.Headers.Add("X-ModelScope-Task-Type", "image_generation");
            var start = Stopwatch.GetTimestamp();
            using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            if (i >= 0)
            {
                times[i] = elapsed;
            }
        }

        Console.WriteLine($"| {(database is null ? "SQLite" : "PostgreSQL")} | {Tasks:N0} | {Stats.F(fill.Elapsed.TotalSeconds, "F1")} s | " +
            $"{Stats.F(Stats.Percentile(times, 0.5))} | {Stats.F(Stats.Percentile(times, 0.99))} | {Stats.F(times.Max())} | {polls} |");
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
