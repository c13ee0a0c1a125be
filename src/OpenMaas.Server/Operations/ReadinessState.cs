namespace OpenMaas.Server.Operations;

/// <summary>Whether this node takes new calls: not before it has started, not once it drains for shutdown.</summary>
internal sealed class ReadinessState
{
    private volatile bool _started;
    private volatile bool _draining;

    public bool Started => _started;

    public bool Draining => _draining;

    public void MarkStarted() => _started = true;

    public void MarkDraining() => _draining = true;
}
