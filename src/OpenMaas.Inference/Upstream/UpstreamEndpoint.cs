
namespace OpenMaas.Inference.Upstream;

/// <summary>One deployment with its live state: requests in flight, probe health, and passive ejection.</summary>
public sealed class UpstreamEndpoint(UpstreamTarget target, int maxOutstanding)
{
    private int _outstanding;
    private long _ejectedUntil;
    private volatile bool _healthy = true;

    public UpstreamTarget Target { get; } = target;

    public int MaxOutstanding { get; } = maxOutstanding;

    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>The last health probe passed (true until the first probe).</summary>
    public bool Healthy => _healthy;

    /// <summary>Calls that failed on this deployment (connect error, 5xx, timeout) since it was added.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    private long _failures;

    /// <summary>Until when (Unix ms) a failed call keeps it out of rotation; 0 when not ejected.</summary>
    public long EjectedUntilMs => Interlocked.Read(ref _ejectedUntil);

    public bool IsRoutable(long nowMs) => _healthy && nowMs >= Interlocked.Read(ref _ejectedUntil);

    /// <summary>Takes a slot unless <see cref="MaxOutstanding"/> requests are in flight.</summary>
    public bool TryAcquire()
    {
        var current = Volatile.Read(ref _outstanding);
        while (current < MaxOutstanding)
        {
            var seen = Interlocked.CompareExchange(ref _outstanding, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Release() => Interlocked.Decrement(ref _outstanding);

    /// <summary>Passive ejection: a call failed here.</summary>
    public void Eject(long untilMs)
    {
        Interlocked.Increment(ref _failures);
        Interlocked.Exchange(ref _ejectedUntil, untilMs);
    }

    /// <summary>The URL of <paramref name="path"/> on this deployment. The last one is kept (a deployment is called on
    /// the same path, over and over), so a call builds no <see cref="Uri"/>; a <see cref="Uri"/> is immutable, so
    /// concurrent calls share it.</summary>
    public Uri UrlFor(string path)
    {
        if (_lastUrl is { } last && last.Path == path)
        {
            return last.Url;
        }

        var url = path.StartsWith('/') ? new Uri(Target.BaseUrl, path) : new Uri(Target.BaseUrl + "/" + path);
        _lastUrl = new PathUrl(path, url);
        return url;
    }

    private volatile PathUrl? _lastUrl;

    private sealed record PathUrl(string Path, Uri Url);

    public void SetHealth(bool healthy) => _healthy = healthy;

    public string Describe(long nowMs) =>
        !_healthy ? "down" : nowMs < EjectedUntilMs ? $"ejected ({(EjectedUntilMs - nowMs) / 1000.0:0.#} s left)" : "healthy";
}
