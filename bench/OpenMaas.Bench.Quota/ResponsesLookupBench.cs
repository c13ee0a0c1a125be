using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenMaas.Core.Responses;

namespace OpenMaas.Bench.Quota;

/// <summary>
/// The lookup a <c>previous_response_id</c> does (<see cref="IResponseStore.FindAsync"/> by id and user) with 100,000
/// stored responses of 100 users: fills them through <see cref="IResponseStore.SaveAsync"/>, then times 2,000 random
/// lookups after a warm-up. Prints one markdown table row (bench/responses/run.sh prints the header).
/// </summary>
internal static class ResponsesLookupBench
{
    private const int Responses = 100_000, Users = 100, WarmUp = 500, Lookups = 2_000;

    private static readonly string[] Words =
        ("the a of to and in is it that for on with as was at by this be from or have an not are but which one you all were " +
         "when we there can more if some what out about time into only other new could these two may first then do any like " +
         "model server token request answer cache queue memory weight layer batch stream prompt context window engine").Split(' ');

    public static async Task RunAsync(string data, string? database)
    {
        var services = BenchServices.Create(data, database);
        var store = services.GetRequiredService<IResponseStore>();
        var random = new Random(42);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var keys = new (string Id, long UserId)[Responses];
        long payloadBytes = 0;
        var rows = new StoredResponse[Responses];
        for (var i = 0; i < Responses; i++)
        {
            var row = Make(random, now - random.NextInt64(TimeSpan.FromDays(29).Ticks / TimeSpan.TicksPerMillisecond));
            rows[i] = row;
            keys[i] = (row.Id, row.UserId);
            payloadBytes += Encoding.UTF8.GetByteCount(row.InputJson) + Encoding.UTF8.GetByteCount(row.ResponseJson);
        }

        var fill = Stopwatch.StartNew();
        await Parallel.ForAsync(0, Responses, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) => await store.SaveAsync(rows[i], ct));
        fill.Stop();
        rows = null;

        for (var i = 0; i < WarmUp; i++)
        {
            var (id, user) = keys[random.Next(Responses)];
            _ = await store.FindAsync(id, user) ?? throw new InvalidOperationException("warm-up lookup missed");
        }

        var times = new double[Lookups];
        for (var i = 0; i < Lookups; i++)
        {
            var (id, user) = keys[random.Next(Responses)];
            var start = Stopwatch.GetTimestamp();
            var found = await store.FindAsync(id, user);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (found is null)
            {
                throw new InvalidOperationException("lookup missed");
            }
        }

        Array.Sort(times);
        var (name, size) = database is null ? ("SQLite", SqliteSize(data)) : ("PostgreSQL", await PostgresSizeAsync(database));
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"| {name} | {Responses:N0} | {fill.Elapsed.TotalSeconds:F1} s | {Percentile(times, 0.50):F3} | {Percentile(times, 0.99):F3} | " +
            $"{payloadBytes / (double)Responses:F0} B | {size}"));
        await services.DisposeAsync();
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MB");

    /// <summary>The database file with its WAL (the whole database: SQLite has no per-table size without dbstat).</summary>
    private static string SqliteSize(string data)
    {
        var file = Path.Combine(Path.GetFullPath(data), "openmaas.db");
        var total = new[] { file, file + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
        return $"{Mb(total)} (openmaas.db + -wal) |";
    }

    /// <summary>The responses table with its indexes and TOAST, and the whole database.</summary>
    private static async Task<string> PostgresSizeAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE responses", connection))
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand("SELECT pg_total_relation_size('responses'), pg_database_size(current_database())", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"{Mb(reader.GetInt64(0))} (responses + indexes); database {Mb(reader.GetInt64(1))} |";
    }

    private static string Sentence(Random random, int words)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            text.Append(i == 0 ? string.Empty : " ").Append(Words[random.Next(Words.Length)]);
        }

        return text.Append('.').ToString();
    }

    /// <summary>A short conversation (user, assistant, user) and a 40-token answer, serialized as the Responses API does.</summary>
    private static StoredResponse Make(Random random, long createdAtMs)
    {
        var id = "resp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var input = new object[]
        {
            new { type = "message", role = "user", content = new[] { new { type = "input_text", text = Sentence(random, 25) } } },
            new { type = "message", role = "assistant", content = new[] { new { type = "output_text", text = Sentence(random, 30), annotations = Array.Empty<object>() } } },
            new { type = "message", role = "user", content = new[] { new { type = "input_text", text = Sentence(random, 15) } } },
        };
        var response = new
        {
            id,
            @object = "response",
            created_at = createdAtMs / 1000,
            status = "completed",
            model = "Qwen/Qwen3-0.6B",
            output = new[]
            {
                new
                {
                    type = "message", id = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), status = "completed", role = "assistant",
                    content = new[] { new { type = "output_text", text = Sentence(random, 32), annotations = Array.Empty<object>() } },
                },
            },
            usage = new { input_tokens = 96, output_tokens = 40, total_tokens = 136 },
            previous_response_id = (string?)null,
            store = true,
            temperature = 1.0,
            top_p = 1.0,
        };
        return new StoredResponse
        {
            Id = id,
            UserId = 1 + random.Next(Users),
            CreatedAtMs = createdAtMs,
            ModelId = "Qwen/Qwen3-0.6B",
            InputJson = JsonSerializer.Serialize(input),
            ResponseJson = JsonSerializer.Serialize(response),
        };
    }
}
