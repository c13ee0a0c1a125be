using System.Collections.Concurrent;
using System.Diagnostics;
using LLama;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Llama;

/// <summary>
/// Serves GGUF models with llama.cpp. Models load on first use (once, however many callers ask), reload when their
/// descriptor's version changes, unload after <see cref="InferenceOptions.IdleUnloadSeconds"/> without work, and
/// make room under <see cref="InferenceOptions.MemoryBudgetMiB"/> by unloading the least recently used idle models.
/// </summary>
public sealed class LlamaRuntime : ITextGenerationRuntime, IDisposable, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LlamaModel> _models = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private readonly InferenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _idleTimer;
    private int _disposed;

    public LlamaRuntime(IOptions<InferenceOptions> options, TimeProvider time, ILogger<LlamaRuntime> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        LlamaNativeLog.Install(logger);
        var period = TimeSpan.FromSeconds(Math.Clamp(_options.IdleUnloadSeconds / 4.0, 1, 30));
        _idleTimer = time.CreateTimer(static s => ((LlamaRuntime)s!).UnloadIdle(), this, period, period);
    }

    /// <summary>The models in memory now.</summary>
    public IReadOnlyList<LoadedModelInfo> Loaded => [.. _models.Values.Select(m => m.Info).OrderBy(m => m.Id, StringComparer.Ordinal)];

    public bool CanServe(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return string.Equals(model.Format, "gguf", StringComparison.OrdinalIgnoreCase) && model.Task is "text-generation" or "chat";
    }

    public ValueTask<ITextGenerationModel> GetAsync(ModelDescriptor model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_models.TryGetValue(model.Id, out var loaded) && IsCurrent(loaded, model))
        {
            loaded.Touch();
            return ValueTask.FromResult<ITextGenerationModel>(loaded);
        }

        return LoadAsync(model, ct);
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

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static bool IsCurrent(LlamaModel loaded, ModelDescriptor wanted)
        => loaded.Descriptor.Version == wanted.Version && loaded.Descriptor.FilePath == wanted.FilePath;

    private async ValueTask<ITextGenerationModel> LoadAsync(ModelDescriptor descriptor, CancellationToken ct)
    {
        if (!CanServe(descriptor))
        {
            throw new ModelLoadException(descriptor.Id, $"format '{descriptor.Format}' is not GGUF.");
        }

        await _loadLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_models.TryGetValue(descriptor.Id, out var loaded))
            {
                if (IsCurrent(loaded, descriptor))
                {
                    loaded.Touch();
                    return loaded; // loaded by the caller we waited for
                }

                Retire(loaded);
            }

            var model = await Task.Run(() => Load(descriptor), CancellationToken.None).ConfigureAwait(false);
            _models[descriptor.Id] = model;
            return model;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private LlamaModel Load(ModelDescriptor descriptor)
    {
        var started = Stopwatch.GetTimestamp();
        var path = descriptor.FilePath;
        if (!File.Exists(path))
        {
            throw new ModelLoadException(descriptor.Id, $"the file '{path}' does not exist.");
        }

        try
        {
            _ = GgufReader.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(descriptor.Id, $"'{path}' is not a readable GGUF file: {e.Message}", e);
        }

        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(LlamaParameters.ForWeights(path, _options));
        }
        catch (Exception e)
        {
            throw new ModelLoadException(descriptor.Id, $"llama.cpp could not load '{path}': {e.Message}", e);
        }

        try
        {
            var estimate = LlamaParameters.EstimateBytes(weights, new FileInfo(path).Length, _options);
            MakeRoom(descriptor.Id, estimate);
            var model = LlamaModel.Create(descriptor, weights, _options, estimate, _time, _logger);
            Log.ModelLoaded(_logger, descriptor.Id, path, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, model.ContextLength, _options.ParallelSequences, estimate >> 20);
            return model;
        }
        catch (Exception e)
        {
            weights.Dispose();
            throw e as ModelLoadException ?? new ModelLoadException(descriptor.Id, $"llama.cpp could not create a context: {e.Message}", e);
        }
    }

    // Unloads least recently used idle models until the new one fits; busy models are never unloaded.
    private void MakeRoom(string modelId, long needed)
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
        }
    }

    private void Unload(LlamaModel model, string reason)
    {
        if (_models.TryRemove(new KeyValuePair<string, LlamaModel>(model.Id, model)))
        {
            Log.ModelUnloading(_logger, model.Id, reason);
            model.Dispose();
        }
    }

    // A new version replaces the old one at once; the old one finishes its sequences first.
    private void Retire(LlamaModel old)
    {
        _models.TryRemove(new KeyValuePair<string, LlamaModel>(old.Id, old));
        Log.ModelUnloading(_logger, old.Id, "new version");
        _ = old.WaitIdleAsync().ContinueWith(static (_, s) => ((LlamaModel)s!).Dispose(), old, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
