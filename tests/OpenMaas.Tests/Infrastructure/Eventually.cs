namespace OpenMaas.Tests.Infrastructure;

/// <summary>
/// Waits for a condition with a generous deadline and fails with a message naming what did not happen — the one way
/// tests wait (never a fixed sleep before an assert, never a loop without a deadline: xUnit has no per-test timeout).
/// </summary>
internal static class Eventually
{
    /// <summary>Long enough for a loaded 2-core machine; a condition that holds is seen within one poll.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static Task WaitAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        WaitAsync(() => Task.FromResult(condition()), what, deadline);

    public static async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out after {(deadline ?? DefaultDeadline).TotalSeconds:F0} s waiting for: {what}");
            await Task.Delay(Poll);
        }
    }
}
