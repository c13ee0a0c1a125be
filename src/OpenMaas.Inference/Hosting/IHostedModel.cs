using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Hosting;

/// <summary>A model held in memory by <see cref="ModelHost"/>: what it needs to decide when to unload it.</summary>
public interface IHostedModel : IDisposable
{
    ModelDescriptor Descriptor { get; }

    long EstimatedBytes { get; }

    /// <summary>True while work runs or waits; a busy model is never unloaded.</summary>
    bool IsBusy { get; }

    DateTimeOffset LastUsed { get; }

    void Touch();

    /// <summary>Completes when no work runs or waits (a retired version then disposes).</summary>
    Task WaitIdleAsync();
}
