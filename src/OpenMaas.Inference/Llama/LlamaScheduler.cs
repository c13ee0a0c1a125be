using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Llama;

/// <summary>
/// Continuous batching for one loaded model: up to <c>ParallelSequences</c> sequences share one context and are
/// decoded together by one dedicated thread, one <c>llama_decode</c> per step; more wait in a bounded FIFO queue.
/// New sequences join at the next step and a freed slot is handed to the next queued one at once.
/// </summary>
internal sealed class LlamaScheduler : IDisposable
{
    private readonly Lock _gate = new();
    private readonly LinkedList<LlamaSequence> _pending = new();
    private readonly Stack<LLamaSeqId> _freeSlots = new();
    private readonly List<LlamaSequence> _active = [];
    private readonly DecodeStep _step;
    private readonly string _modelId;
    private readonly int _parallel;
    private readonly int _queueLimit;
    private readonly int? _decodeCpu;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private int _activeCount;
    private bool _stopping;
    private long _lastUsedTicks;
    private TaskCompletionSource? _idleWaiter;

    public LlamaScheduler(string modelId, LLamaContext context, InferenceOptions options, TimeProvider time, ILogger logger)
    {
        _modelId = modelId;
        _parallel = options.ParallelSequences;
        _queueLimit = options.QueueLimit;
        _decodeCpu = options.DecodeThreadCpu;
        _time = time;
        _logger = logger;
        _step = new DecodeStep(modelId, context, options.BatchSize, logger);
        for (var i = _parallel - 1; i >= 0; i--)
        {
            _freeSlots.Push((LLamaSeqId)i);
        }

        Touch();
        _thread = new Thread(Run) { IsBackground = true, Name = $"llama-decode {modelId}" };
        _thread.Start();
    }

    /// <summary>Tokens generated since load, for metrics and tests.</summary>
    public long GeneratedTokens => _step.GeneratedTokens;

    public (int Active, int Queued) Load
    {
        get
        {
            lock (_gate)
            {
                return (_activeCount, _pending.Count);
            }
        }
    }

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    public void Touch() => Interlocked.Exchange(ref _lastUsedTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>Queues a sequence; throws <see cref="SchedulerFullException"/> when every slot and queue place is taken.</summary>
    public void Enqueue(LlamaSequence sequence)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (_activeCount + _pending.Count >= _parallel + _queueLimit)
            {
                // A rough wait: one second per round of the queue through the slots, between 1 and 5 s.
                throw new SchedulerFullException(_modelId, TimeSpan.FromSeconds(Math.Clamp(1 + (_pending.Count / _parallel), 1, 5)));
            }

            sequence.State = SequenceState.Queued;
            sequence.QueueNode = _pending.AddLast(sequence);
            Touch();
            WakeLoop();
        }
    }

    /// <summary>Stops a sequence: removed from the queue at once, or from its slot at the next step.</summary>
    public void Cancel(LlamaSequence sequence)
    {
        lock (_gate)
        {
            switch (sequence.State)
            {
                case SequenceState.Queued:
                    _pending.Remove(sequence.QueueNode!);
                    sequence.QueueNode = null;
                    sequence.State = SequenceState.Done;
                    sequence.Complete();
                    OnLoadChangedLocked();
                    break;
                case SequenceState.Active:
                    sequence.MarkCancelRequested();
                    break;
            }
        }
    }

    /// <summary>Completes when no sequence is active or queued.</summary>
    public Task WaitIdleAsync()
    {
        lock (_gate)
        {
            if (_activeCount + _pending.Count == 0)
            {
                return Task.CompletedTask;
            }

            _idleWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idleWaiter.Task;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            foreach (var queued in _pending)
            {
                queued.State = SequenceState.Done;
                queued.End(new InferenceException($"Model '{_modelId}' was unloaded."));
                queued.Complete();
            }

            _pending.Clear();
        }

        WakeLoop();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    private void WakeLoop()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private void Run()
    {
        if (_decodeCpu is { } cpu && !CpuAffinity.PinCurrentThread(cpu))
        {
            Log.AffinityFailed(_logger, _modelId, cpu);
        }

        while (true)
        {
            try
            {
                if (!AdmitAndCheckWork(out var stop))
                {
                    if (stop)
                    {
                        break;
                    }

                    _wake.Wait();
                    continue;
                }

                _step.Run(_active);
                if (ReleaseFinished() | _step.HandedFirstChunk)
                {
                    // A consumer was just woken to send a call's first event or its end. On a machine with few cores it
                    // would otherwise wait for this core until the kernel preempts the decode loop (milliseconds of
                    // time to first token, bench/README.md): let it run now; the loop resumes once it has sent.
                    Thread.Yield();
                }
            }
            catch (Exception e)
            {
                Log.LoopCrashed(_logger, _modelId, e);
                foreach (var sequence in _active)
                {
                    sequence.End(new InferenceException("The decode loop failed.", e));
                }

                ReleaseFinished();
            }
        }

        foreach (var sequence in _active)
        {
            sequence.End(new InferenceException($"Model '{_modelId}' was unloaded."));
        }

        ReleaseFinished();
    }

    // Drops cancelled sequences, fills free slots from the queue; false when there is nothing to decode.
    private bool AdmitAndCheckWork(out bool stop)
    {
        foreach (var sequence in _active)
        {
            if (sequence.CancelRequested)
            {
                sequence.Finished = true;
            }
        }

        ReleaseFinished();
        List<LlamaSequence>? admitted = null;
        lock (_gate)
        {
            stop = _stopping;
            if (stop)
            {
                return false;
            }

            while (_freeSlots.Count > 0 && _pending.First is { } node)
            {
                _pending.RemoveFirst();
                var sequence = node.Value;
                sequence.QueueNode = null;
                sequence.State = SequenceState.Active;
                sequence.SeqId = _freeSlots.Pop();
                _activeCount++;
                (admitted ??= []).Add(sequence);
            }
        }

        if (admitted is not null)
        {
            foreach (var sequence in admitted)
            {
                try
                {
                    _step.Activate(sequence);
                }
                catch (OpenMaas.Inference.Grammar.UnsupportedSchemaException e)
                {
                    sequence.End(e); // the request's own fault: its surface answers 400 (released below)
                }
                catch (Exception e)
                {
                    sequence.End(new InferenceException("Could not create the sampler.", e)); // released below
                }

                _active.Add(sequence);
            }
        }

        return _active.Count > 0;
    }

    /// <summary>Frees the slots of finished sequences and completes their streams; true when any was completed.</summary>
    private bool ReleaseFinished()
    {
        var removed = false;
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var sequence = _active[i];
            if (!sequence.Finished)
            {
                continue;
            }

            _active.RemoveAt(i);
            _step.Release(sequence);
            lock (_gate)
            {
                sequence.State = SequenceState.Done;
                _freeSlots.Push(sequence.SeqId);
                _activeCount--;
            }

            sequence.Complete();
            removed = true;
        }

        if (removed)
        {
            Touch();
            lock (_gate)
            {
                OnLoadChangedLocked();
            }
        }

        return removed;
    }

    private void OnLoadChangedLocked()
    {
        if (_activeCount + _pending.Count == 0 && _idleWaiter is { } waiter)
        {
            _idleWaiter = null;
            waiter.TrySetResult();
        }
    }
}
