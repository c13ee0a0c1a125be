using Npgsql;

namespace OpenMaas.Bench.Media;

/// <summary>CPU time (user + system) of this process and of a PostgreSQL server's processes (its postmaster and the
/// postmaster's children, found through <c>postmaster.pid</c> in its data directory): what a call costs in CPU,
/// which a busy machine distorts far less than wall time (it delays a process, it does not make it work more).</summary>
internal sealed class CpuClock
{
    private readonly int? _postmaster;

    private CpuClock(int? postmaster) => _postmaster = postmaster;

    /// <summary>For SQLite (<paramref name="database"/> null) this process only; for PostgreSQL also the server, when it
    /// runs on this machine and its data directory is readable (else its column stays empty).</summary>
    public static async Task<CpuClock> ForAsync(string? database)
    {
        if (database is null)
        {
            return new CpuClock(null);
        }

        try
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SHOW data_directory", connection);
            var directory = (string)(await command.ExecuteScalarAsync())!;
            var first = (await File.ReadAllLinesAsync(Path.Combine(directory, "postmaster.pid")))[0];
            return new CpuClock(int.Parse(first, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NpgsqlException or FormatException)
        {
            return new CpuClock(null);
        }
    }

    public TimeSpan Process() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>The server's CPU so far, or null when it cannot be read.</summary>
    public TimeSpan? Server()
    {
        if (_postmaster is not { } root)
        {
            return null;
        }

        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                // Fields after the command's closing parenthesis: state(3) ppid(4) ... utime(14) stime(15).
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ppid = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
                if (pid == root || ppid == root)
                {
                    ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
        }

        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    /// <summary>CPU ticks of this process's threads by thread name (a diagnostic: where the process's CPU goes).</summary>
    public static Dictionary<string, long> Threads()
    {
        var byName = new Dictionary<string, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                byName[name] = byName.GetValueOrDefault(name) + ticks;
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }

        return byName;
    }
}
