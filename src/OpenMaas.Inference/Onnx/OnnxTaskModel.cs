using Microsoft.ML.OnnxRuntime;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Onnx;

/// <summary>A vision or audio model: at most <see cref="OnnxOptions.ConcurrentRuns"/> calls run at once, at most
/// <see cref="OnnxOptions.QueueLimit"/> wait, the rest are told the model is busy.</summary>
internal sealed class OnnxTaskModel(ModelDescriptor descriptor, OnnxTaskConfig config, InferenceSession session, ITaskProcessor processor,
    long estimatedBytes, OnnxOptions options, TimeProvider time)
    : OnnxModel(descriptor, config, session, estimatedBytes, time), ITaskModel
{
    private readonly SemaphoreSlim _slots = new(options.ConcurrentRuns, options.ConcurrentRuns);
    private int _waiting;

    public string Task => Config.Task;

    public IReadOnlyCollection<string> Parameters => processor.Parameters;

    public PreparedTaskInput Prepare(TaskInput input)
    {
        foreach (var name in input.Parameters.Keys)
        {
            if (!processor.Parameters.Contains(name))
            {
                var known = processor.Parameters.Count == 0 ? "none" : string.Join(", ", processor.Parameters);
                throw new TaskInputException($"Unknown parameter '{name}' for task {Task} (known: {known}).", "parameters." + name);
            }
        }

        // Parameter values are checked now too: the processor reads them with their bounds.
        var decoded = processor.Prepare(input);
        processor.CheckParameters(input.Parameters);
        return new PreparedTaskInput(decoded, input.Parameters);
    }

    public async Task<TaskOutput> RunAsync(PreparedTaskInput input, CancellationToken ct)
    {
        using var work = BeginWork();
        if (Interlocked.Increment(ref _waiting) > options.QueueLimit + options.ConcurrentRuns)
        {
            Interlocked.Decrement(ref _waiting);
            throw new SchedulerFullException(Id, TimeSpan.FromSeconds(1));
        }

        try
        {
            await _slots.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        try
        {
            ct.ThrowIfCancellationRequested();
            CountRun();
            return processor.Run(Session, input.Decoded, input.Parameters);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InferenceException($"Model '{Id}' failed to run: {e.Message}", e);
        }
        finally
        {
            _slots.Release();
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _slots.Dispose();
    }
}
