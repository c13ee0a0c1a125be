using System.Runtime.InteropServices;

namespace OpenMaas.Inference.Llama;

/// <summary>Pins the calling thread to one CPU (<c>sched_setaffinity</c> on Linux; a no-op that reports failure
/// elsewhere).</summary>
internal static partial class CpuAffinity
{
    /// <summary>True when the calling thread now runs only on <paramref name="cpu"/>.</summary>
    public static bool PinCurrentThread(int cpu)
    {
        if (!OperatingSystem.IsLinux() || cpu < 0 || cpu >= 1024)
        {
            return false;
        }

        Span<byte> mask = stackalloc byte[128]; // cpu_set_t: 1,024 bits
        mask.Clear();
        mask[cpu / 8] = (byte)(1 << (cpu % 8));
        return SchedSetAffinity(0, (nuint)mask.Length, ref MemoryMarshal.GetReference(mask)) == 0; // 0: the calling thread
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, ref byte mask);
}
