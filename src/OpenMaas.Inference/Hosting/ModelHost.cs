using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Llama;

namespace OpenMaas.Inference.Hosting;

/// <summary>
/// Keeps the loaded models of every local runtime (llama.cpp, ONNX Runtime) under one memory budget. A model loads on
/// first use (once, however many callers ask), reloads when its descriptor's version changes, unloads after
/// <see cref="InferenceOptions.IdleUnloadSeconds"/> without work, and makes room under
/// <see cref="InferenceOptions.MemoryBudgetMiB"/> by unloading the least recently used idle models.
/// </summary>
public sealed class ModelHost : IDisposable
{
    private readonly ConcurrentDictionary<string, IHostedModel> _models = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private readonly InferenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _idleTimer;
    private int _disposed;

    public ModelHost(IOptions<InferenceOptions> options, TimeProvider time, ILogger<ModelHost> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        var period = TimeSpan.FromSeconds(Math.Clamp(_options.IdleUnloadSeconds / 4.0, 1, 30));
        _idleTimer = time.CreateTimer(static s => ((ModelHost)s!).UnloadIdle(), this, period, period);
    }

    /// <summary>The models in memory now.</summary>
    public IReadOnlyCollection<IHostedModel> Loaded => [.. _models.Values];

    /// <summary>Returns the loaded model of <paramref name="descriptor"/>, loading it with <paramref name="load"/>
    /// first when needed. <paramref name="load"/> gets the bytes to reserve and runs on the thread pool; it throws
    /// <see cref="ModelLoadException"/>.</summary>
    public ValueTask<T> GetAsync<T>(ModelDescriptor descriptor, Func<ModelDescriptor, Func<long, bool>, T> load, CancellationToken ct)
        where T : class, IHostedModel
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_models.TryGetValue(descriptor.Id, out var loaded) && IsCurrent(loaded, descriptor) && loaded is T typed)
        {
            typed.Touch();
            return ValueTask.FromResult(typed);
        }

        return LoadAsync(descriptor, load, ct);
    }

    /// <summary>Unloads models that have had no work for <see cref="InferenceOptions.IdleUnloadSeconds"/>.</summary>
    internal void UnloadIdle()
    {
        if (!_loadLock.Wait(0))
        {
            return; // a load is running; the next tick will look again
        }

        try
        {
            var cutoff = _time.GetUtcNow() - TimeSpan.FromSeconds(_options.IdleUnloadSeconds);
            foreach (var model in _models.Values)
            {
                if (!model.IsBusy && model.LastUsed <= cutoff)
                {
                    Unload(model, "idle");
                }
            }
        }
        finally
        {
            _loadLock.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _idleTimer.Dispose();
        foreach (var model in _models.Values)
        {
            Unload(model, "shutdown");
        }
    }

    private static bool IsCurrent(IHostedModel loaded, ModelDescriptor wanted)
        => loaded.Descriptor.Version == wanted.Version && loaded.Descriptor.FilePath == wanted.FilePath;

    private async ValueTask<T> LoadAsync<T>(ModelDescriptor descriptor, Func<ModelDescriptor, Func<long, bool>, T> load, CancellationToken ct)
        where T : class, IHostedModel
    {
        await _loadLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_models.TryGetValue(descriptor.Id, out var loaded))
            {
                if (IsCurrent(loaded, descriptor) && loaded is T typed)
                {
                    typed.Touch();
                    return typed; // loaded by the caller we waited for
                }

                Retire(loaded);
            }

            var model = await Task.Run(() => load(descriptor, bytes => MakeRoom(descriptor.Id, bytes)), CancellationToken.None).ConfigureAwait(false);
            _models[descriptor.Id] = model;
            return model;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    // Unloads least recently used idle models until the new one fits; busy models are never unloaded. Throws when
    // the model alone exceeds the budget; returns false when it only fits by going over (the others are busy).
    private bool MakeRoom(string modelId, long needed)
    {
        var budget = (long)_options.MemoryBudgetMiB << 20;
        if (needed > budget)
        {
            throw new ModelLoadException(modelId, $"it needs about {needed >> 20} MiB, more than the memory budget of {_options.MemoryBudgetMiB} MiB.");
        }

        var used = _models.Values.Sum(m => m.EstimatedBytes);
        foreach (var victim in _models.Values.Where(m => !m.IsBusy).OrderBy(m => m.LastUsed).ToList())
        {
            if (used + needed <= budget)
            {
                break;
            }

            Unload(victim, "memory budget");
            used -= victim.EstimatedBytes;
        }

        if (used + needed > budget)
        {
            Log.OverBudget(_logger, modelId, _options.MemoryBudgetMiB);
            return false;
        }

        return true;
    }

    private void Unload(IHostedModel model, string reason)
    {
        if (_models.TryRemove(new KeyValuePair<string, IHostedModel>(model.Descriptor.Id, model)))
        {
            Log.ModelUnloading(_logger, model.Descriptor.Id, reason);
            model.Dispose();
        }
    }

    // A new version replaces the old one at once; the old one finishes its work first.
    private void Retire(IHostedModel old)
    {
        _models.TryRemove(new KeyValuePair<string, IHostedModel>(old.Descriptor.Id, old));
        Log.ModelUnloading(_logger, old.Descriptor.Id, "new version");
        _ = old.WaitIdleAsync().ContinueWith(static (_, s) => ((IHostedModel)s!).Dispose(), old, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
