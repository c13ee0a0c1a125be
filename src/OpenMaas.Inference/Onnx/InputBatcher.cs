using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Onnx;

/// <summary>
/// Dynamic batching (sentence embeddings, cross-encoder pairs): inputs of concurrent requests wait in one bounded queue; a single loop takes the first, waits
/// at most <see cref="OnnxOptions.BatchWaitMilliseconds"/> for more (less once as many are in as the last batch had), and runs up to
/// <see cref="OnnxOptions.MaxBatchInputs"/> of them. The batch is cut by <see cref="BatchPlan"/> into length buckets
/// (each padded only to its own longest input) spread over <see cref="OnnxOptions.BatchRuns"/> model runs at once, one
/// thread each. Inputs whose caller left are skipped.
/// </summary>
internal sealed class InputBatcher<TInput, TResult> : IDisposable
{
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TInput>, TResult[]> _run;
    private readonly Func<TInput, int> _length;
    private readonly OnnxOptions _options;
    private readonly string _modelId;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private int _pending;

    /// <param name="length">An input's length in tokens (what its row is padded against).</param>
    public InputBatcher(string modelId, Func<IReadOnlyList<TInput>, TResult[]> run, Func<TInput, int> length, OnnxOptions options, ILogger logger)
    {
        _modelId = modelId;
        _run = run;
        _length = length;
        _options = options;
        _logger = logger;
        _loop = Task.Factory.StartNew(LoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Inputs queued or running.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public Task<TResult[]> EnqueueAsync(IReadOnlyList<TInput> inputs, CancellationToken ct)
    {
        if (Interlocked.Add(ref _pending, inputs.Count) > _options.QueueLimit + _options.MaxBatchInputs)
        {
            Interlocked.Add(ref _pending, -inputs.Count);
            throw new SchedulerFullException(_modelId, TimeSpan.FromSeconds(1));
        }

        var items = new Item[inputs.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new Item(inputs[i], new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), ct);
            if (!_queue.Writer.TryWrite(items[i]))
            {
                items[i].Done.TrySetException(new ObjectDisposedException(nameof(InputBatcher<TInput, TResult>)));
            }
        }

        return Task.WhenAll(items.Select(i => i.Done.Task)).WaitAsync(ct);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.Wait(TimeSpan.FromSeconds(10));
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Item>(_options.MaxBatchInputs);
        var last = _options.MaxBatchInputs;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            Take(reader, batch);

            // The wait ends early once as many inputs are in as the last batch had: callers answered by that batch
            // (8 clients sending one sentence each) are back, and the cores need not idle out the window.
            var enough = Math.Min(_options.MaxBatchInputs, last);
            if (batch.Count < enough && _options.BatchWaitMilliseconds > 0)
            {
                using var wait = new CancellationTokenSource(_options.BatchWaitMilliseconds);
                try
                {
                    while (batch.Count < enough && await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                    {
                        Take(reader, batch);
                    }
                }
                catch (OperationCanceledException)
                {
                    // the wait is over: run what we have
                }
            }

            last = Math.Max(1, batch.Count);
            Run(batch);
        }
    }

    private void Take(ChannelReader<Item> reader, List<Item> batch)
    {
        while (batch.Count < _options.MaxBatchInputs && reader.TryRead(out var item))
        {
            if (item.Ct.IsCancellationRequested)
            {
                Interlocked.Decrement(ref _pending);
                item.Done.TrySetCanceled(item.Ct);
                continue;
            }

            batch.Add(item);
        }
    }

    private void Run(List<Item> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            var results = RunPlanned([.. batch.Select(i => i.Tokens)]);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception e)
        {
            OnnxLog.RunFailed(_logger, _modelId, batch.Count, e);
            var error = new InferenceException($"Model '{_modelId}' failed to run a batch.", e);
            foreach (var item in batch)
            {
                item.Done.TrySetException(error);
            }
        }
        finally
        {
            Interlocked.Add(ref _pending, -batch.Count);
        }
    }

    // The first worker's parts run on this thread, the others' on threads of their own (not the pool's: a run holds its
    // thread for milliseconds).
    private TResult[] RunPlanned(TInput[] inputs)
    {
        var plan = BatchPlan.Create([.. inputs.Select(_length)], _options.MaxPaddingPercent, _options.BatchRuns);
        var results = new TResult[inputs.Length];
        var others = plan.Skip(1).Select(parts => Task.Factory.StartNew(() => RunParts(inputs, parts, results), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            RunParts(inputs, plan[0], results);
        }
        finally
        {
            Task.WaitAll(others);
        }

        return results;
    }

    private void RunParts(TInput[] inputs, int[][] parts, TResult[] results)
    {
        foreach (var part in parts)
        {
            var partResults = _run([.. part.Select(i => inputs[i])]);
            for (var k = 0; k < part.Length; k++)
            {
                results[part[k]] = partResults[k];
            }
        }
    }

    private sealed record Item(TInput Tokens, TaskCompletionSource<TResult> Done, CancellationToken Ct);
}
