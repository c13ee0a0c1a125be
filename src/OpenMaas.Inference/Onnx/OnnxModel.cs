using Microsoft.ML.OnnxRuntime;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Hosting;

namespace OpenMaas.Inference.Onnx;

/// <summary>An ONNX session held by the model host, with its config and the work that runs or waits on it.</summary>
internal abstract class OnnxModel : IHostedModel
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private int _work;
    private long _lastUsedTicks;
    private TaskCompletionSource? _idle;

    protected OnnxModel(ModelDescriptor descriptor, OnnxTaskConfig config, InferenceSession session, long estimatedBytes, TimeProvider time)
    {
        Descriptor = descriptor;
        Config = config;
        Session = session;
        EstimatedBytes = estimatedBytes;
        _time = time;
        Touch();
    }

    public ModelDescriptor Descriptor { get; }

    public string Id => Descriptor.Id;

    public OnnxTaskConfig Config { get; }

    public InferenceSession Session { get; }

    public long EstimatedBytes { get; }

    public bool IsBusy => Volatile.Read(ref _work) > 0;

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    /// <summary>Model runs so far (a batch of embeddings counts once).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    private long _runs;

    public void Touch() => Interlocked.Exchange(ref _lastUsedTicks, _time.GetUtcNow().UtcTicks);

    public Task WaitIdleAsync()
    {
        lock (_gate)
        {
            if (_work == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    public virtual void Dispose() => Session.Dispose();

    protected void CountRun() => Interlocked.Increment(ref _runs);

    /// <summary>Marks work in flight until the returned scope is disposed.</summary>
    protected WorkScope BeginWork()
    {
        lock (_gate)
        {
            _work++;
        }

        Touch();
        return new WorkScope(this);
    }

    private void EndWork()
    {
        Touch();
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (--_work == 0)
            {
                (idle, _idle) = (_idle, null);
            }
        }

        idle?.TrySetResult();
    }

    protected readonly struct WorkScope(OnnxModel model) : IDisposable
    {
        public void Dispose() => model.EndWork();
    }
}
