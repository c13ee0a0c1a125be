using System.Diagnostics;
using LLama;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Hosting;

namespace OpenMaas.Inference.Llama;

/// <summary>
/// Serves GGUF models with llama.cpp. Loaded models live in the shared <see cref="ModelHost"/>: they load on first use
/// (once, however many callers ask), reload when their descriptor's version changes, unload after
/// <see cref="InferenceOptions.IdleUnloadSeconds"/> without work, and make room under
/// <see cref="InferenceOptions.MemoryBudgetMiB"/> (shared with the other local runtimes) by unloading the least
/// recently used idle models.
/// </summary>
public sealed class LlamaRuntime : ITextGenerationRuntime, IDisposable, IAsyncDisposable
{
    private readonly ModelHost _host;
    private readonly bool _ownsHost;
    private readonly InferenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>A runtime in the application's shared model host.</summary>
    public LlamaRuntime(ModelHost host, IOptions<InferenceOptions> options, TimeProvider time, ILogger<LlamaRuntime> logger)
    {
        _host = host;
        _options = options.Value;
        _time = time;
        _logger = logger;
        LlamaNativeLog.Install(logger);
    }

    /// <summary>A runtime with a model host of its own (tests, benchmarks), disposed with it.</summary>
    public LlamaRuntime(IOptions<InferenceOptions> options, TimeProvider time, ILogger<LlamaRuntime> logger)
        : this(new ModelHost(options, time, NullLogger<ModelHost>.Instance), options, time, logger) => _ownsHost = true;

    /// <summary>The GGUF models in memory now.</summary>
    public IReadOnlyList<LoadedModelInfo> Loaded => [.. _host.Loaded.OfType<LlamaModel>().Select(m => m.Info).OrderBy(m => m.Id, StringComparer.Ordinal)];

    public bool CanServe(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return string.Equals(model.Format, "gguf", StringComparison.OrdinalIgnoreCase) && model.Task is "text-generation" or "chat";
    }

    public async ValueTask<ITextGenerationModel> GetAsync(ModelDescriptor model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!string.Equals(model.Format, "gguf", StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException(model.Id, $"format '{model.Format}' is not GGUF.");
        }

        return await _host.GetAsync(model, Load, ct).ConfigureAwait(false);
    }

    /// <summary>Unloads models that have had no work for <see cref="InferenceOptions.IdleUnloadSeconds"/>.</summary>
    internal void UnloadIdle() => _host.UnloadIdle();

    public void Dispose()
    {
        if (_ownsHost)
        {
            _host.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private LlamaModel Load(ModelDescriptor descriptor, Func<long, bool> reserve)
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
            reserve(estimate);
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
}
