using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Onnx;

/// <summary>
/// Dynamic batching (sentence embeddings, cross-encoder pairs): inputs of concurrent requests wait in one bounded queue; a single loop takes the first, waits
/// at most <see cref="OnnxOptions.BatchWaitMilliseconds"/> for more, and runs up to
/// <see cref="OnnxOptions.MaxBatchInputs"/> of them in one model run. Inputs whose caller left are skipped.
/// </summary>
internal sealed class InputBatcher<TInput, TResult> : IDisposable
{
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TInput>, TResult[]> _run;
    private readonly OnnxOptions _options;
    private readonly string _modelId;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private int _pending;

    public InputBatcher(string modelId, Func<IReadOnlyList<TInput>, TResult[]> run, OnnxOptions options, ILogger logger)
    {
        _modelId = modelId;
        _run = run;
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
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            Take(reader, batch);
            if (batch.Count < _options.MaxBatchInputs && _options.BatchWaitMilliseconds > 0)
            {
                using var wait = new CancellationTokenSource(_options.BatchWaitMilliseconds);
                try
                {
                    while (batch.Count < _options.MaxBatchInputs && await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                    {
                        Take(reader, batch);
                    }
                }
                catch (OperationCanceledException)
                {
                    // the wait is over: run what we have
                }
            }

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
            var results = _run([.. batch.Select(i => i.Tokens)]);
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

    private sealed record Item(TInput Tokens, TaskCompletionSource<TResult> Done, CancellationToken Ct);
}
