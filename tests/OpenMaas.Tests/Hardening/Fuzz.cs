using System.Text;
using CsCheck;
using Xunit.Abstractions;

namespace OpenMaas.Tests.Hardening;

/// <summary>
/// The fuzzing budget every property test in Hardening shares: a fixed number of cases per property in a normal run,
/// or <c>OPENMAAS_FUZZ_SECONDS</c> seconds per property instead (README, "Tests"). CsCheck writes the number of cases it
/// tried to the test's output; a failure prints its seed (<c>CsCheck_Seed=… dotnet test …</c> replays it).
/// </summary>
internal static class Fuzz
{
    private static readonly int Seconds = int.TryParse(Environment.GetEnvironmentVariable("OPENMAAS_FUZZ_SECONDS"), out var s) ? s : -1;

    public static void Run<T>(Gen<T> gen, Action<T> property, int iterations, ITestOutputHelper? output = null, Func<T, string>? print = null) =>
        gen.Sample(property, writeLine: output is null ? null : output.WriteLine, iter: Seconds > 0 ? -1 : iterations, time: Seconds, threads: 1, print: print);

    /// <summary>Bytes for a failure message: readable (other bytes as <c>[XX]</c>) and as hex
    /// (<c>Convert.FromHexString</c> in a regression test keeps invalid UTF-8 as it was).</summary>
    public static string Show(byte[] bytes)
    {
        var shown = bytes.Length <= 4096 ? bytes : bytes[..4096];
        var text = new StringBuilder(shown.Length + 16);
        foreach (var b in shown)
        {
            _ = b switch
            {
                >= 0x20 and < 0x7F => text.Append((char)b),
                _ => text.Append($"[{b:X2}]"),
            };
        }

        var more = shown.Length < bytes.Length ? " …" : string.Empty;
        return $"{bytes.Length} bytes: {text}{more}\nhex: {Convert.ToHexString(shown)}{more}";
    }
}
