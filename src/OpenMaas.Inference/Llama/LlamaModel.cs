using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Hosting;

namespace OpenMaas.Inference.Llama;

/// <summary>A loaded GGUF model: its weights, one context shared by all its sequences, and its scheduler.</summary>
internal sealed class LlamaModel : ITextGenerationModel, IDisposable, IHostedModel
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LlamaScheduler _scheduler;
    private readonly PromptRenderer _renderer;
    private readonly Action<LlamaSequence> _cancel;
    private int _disposed;

    private LlamaModel(ModelDescriptor descriptor, LLamaWeights weights, LLamaContext context, int contextLength, long estimatedBytes, LlamaScheduler scheduler, PromptRenderer renderer)
    {
        Descriptor = descriptor;
        _weights = weights;
        _context = context;
        ContextLength = contextLength;
        EstimatedBytes = estimatedBytes;
        _scheduler = scheduler;
        _renderer = renderer;
        _cancel = scheduler.Cancel;
    }

    public ModelDescriptor Descriptor { get; }

    public string Id => Descriptor.Id;

    public int ContextLength { get; }

    public long EstimatedBytes { get; }

    public bool IsBusy => _scheduler.Load is not (0, 0);

    public DateTimeOffset LastUsed => _scheduler.LastUsed;

    public LoadedModelInfo Info
    {
        get
        {
            var (active, queued) = _scheduler.Load;
            return new(Id, Descriptor.FilePath, Descriptor.Version, EstimatedBytes, active, queued, LastUsed, _scheduler.GeneratedTokens);
        }
    }

    /// <summary>Creates the context and starts the decode loop over already loaded weights (owned from now on).</summary>
    public static LlamaModel Create(ModelDescriptor descriptor, LLamaWeights weights, InferenceOptions options, long estimatedBytes, TimeProvider time, ILogger logger)
    {
        var contextLength = ContextLengthFor(weights, options);
        var parameters = LlamaParameters.ForContext(descriptor.FilePath, options, contextLength);
        LLamaContext? context = null;
        try
        {
            context = weights.CreateContext(parameters);
            var renderer = new PromptRenderer(descriptor.Id, weights, logger);
            var scheduler = new LlamaScheduler(descriptor.Id, context, options, time, logger);
            return new LlamaModel(descriptor, weights, context, contextLength, estimatedBytes, scheduler, renderer);
        }
        catch
        {
            context?.Dispose();
            throw;
        }
    }

    /// <summary>Tokens per sequence: the configured size, capped at the model's training context.</summary>
    public static int ContextLengthFor(LLamaWeights weights, InferenceOptions options)
        => weights.ContextSize > 0 ? Math.Min(options.ContextSize, weights.ContextSize) : options.ContextSize;

    public PreparedPrompt Prepare(PromptInput input) => _renderer.Prepare(input);

    public IAsyncEnumerable<GenerationChunk> Generate(PreparedPrompt prompt, SamplingOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        if (prompt.TokenCount == 0)
        {
            throw new ArgumentException("The prompt has no tokens.", nameof(prompt));
        }

        var room = PromptBudget.Room(prompt.TokenCount, ContextLength);
        ct.ThrowIfCancellationRequested();
        var max = options.MaxTokens > 0 ? Math.Min(options.MaxTokens, room) : room; // 0 or less: up to the context
        var stop = options.Stop.Count > 0 ? new StopStringMatcher(options.Stop) : null;
        var sequence = new LlamaSequence(ToTokens(prompt.Tokens), options, max, stop is { IsEmpty: false } ? stop : null);
        try
        {
            _scheduler.Enqueue(sequence);
        }
        catch (ObjectDisposedException e)
        {
            throw new InferenceException($"Model '{Id}' was unloaded; retry the request.", e);
        }

        sequence.CancelWhen(ct, _scheduler);
        return sequence.ReadAllAsync(_cancel, ct);
    }

    public void Touch() => _scheduler.Touch();

    public Task WaitIdleAsync() => _scheduler.WaitIdleAsync();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _scheduler.Dispose();
        _context.Dispose();
        _weights.Dispose();
    }

    private static LLamaToken[] ToTokens(IReadOnlyList<int> ids)
    {
        var tokens = new LLamaToken[ids.Count];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = ids[i];
        }

        return tokens;
    }
}
