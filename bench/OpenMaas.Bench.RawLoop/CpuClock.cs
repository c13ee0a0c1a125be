using System.Diagnostics;

namespace OpenMaas.Bench.RawLoop;

/// <summary>CPU time used by this process (all threads). Tokens per CPU-second hardly move when other processes
/// compete for the cores, so they compare the raw loop and the scheduler even on a busy machine.</summary>
internal static class CpuClock
{
    public static TimeSpan Now()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
