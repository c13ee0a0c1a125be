using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LLama;
using LLama.Native;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Llama;

internal enum SequenceState
{
    Queued,
    Active,
    Done,
}

/// <summary>One generation request: its prompt, its sampling state while it holds a slot, and the channel that
/// hands its chunks from the decode thread to the consumer.</summary>
internal sealed class LlamaSequence
{
    private static readonly UnboundedChannelOptions ChannelOptions = new()
    {
        SingleReader = true,
        SingleWriter = true,
        AllowSynchronousContinuations = false, // never run the consumer (HTTP writes) on the decode thread
    };

    private readonly Channel<GenerationChunk> _output = Channel.CreateUnbounded<GenerationChunk>(ChannelOptions);
    private volatile bool _cancelRequested;
    private bool _emitted;
    private FinishReason? _outcome;

    public LlamaSequence(LLamaToken[] prompt, SamplingOptions options, int maxCompletion, StopStringMatcher? stop)
    {
        Prompt = prompt;
        Options = options;
        MaxCompletion = maxCompletion;
        Stop = stop;
    }

    public LLamaToken[] Prompt { get; }

    public SamplingOptions Options { get; }

    public int MaxCompletion { get; }

    public StopStringMatcher? Stop { get; }

    // Scheduler state: changed under the scheduler's lock.
    public SequenceState State { get; set; }

    public LinkedListNode<LlamaSequence>? QueueNode { get; set; }

    /// <summary>The caller's cancellation, owned here alone: registered once at submission, released when the reader
    /// ends (<see cref="ReadAllAsync"/>). A callback after the sequence finished is a no-op in the scheduler.</summary>
    private CancellationTokenRegistration _registration;

    // Decode-thread state.
    public LLamaSeqId SeqId { get; set; }

    public int Prefilled { get; set; }

    public int Completion { get; private set; }

    public LLamaToken Pending { get; set; }

    /// <summary>Index of this sequence's logits in the current batch, or -1 when it awaits none.</summary>
    public int LogitIndex { get; set; } = -1;

    public SafeLLamaSamplerChainHandle? Sampler { get; set; }

    /// <summary>The grammar sampler when the output is constrained (structured output, a forced tool call), or null.</summary>
    public SafeLLamaSamplerChainHandle? Grammar { get; set; }

    public StreamingTokenDecoder? Decoder { get; set; }

    /// <summary>Set by the decode thread when the sequence leaves its slot at the end of this step.</summary>
    public bool Finished { get; set; }

    public bool IsPrefilling => Prefilled < Prompt.Length;

    /// <summary>Position of <see cref="Pending"/> in the sequence.</summary>
    public int PendingPosition => Prompt.Length + Completion - 1;

    public bool CancelRequested => _cancelRequested;

    public Exception? Error { get; private set; }

    public void MarkCancelRequested() => _cancelRequested = true;

    public void CountCompletionToken() => Completion++;

    /// <summary>Hands text to the consumer; true when it is the sequence's first chunk.</summary>
    public bool Emit(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        _output.Writer.TryWrite(new GenerationChunk(text, null, Prompt.Length, Completion));
        if (_emitted)
        {
            return false;
        }

        _emitted = true;
        return true;
    }

    /// <summary>Ends the sequence on the decode thread; the consumer hears of it in <see cref="Complete"/>, once the
    /// slot is free again, so that a client that sends its next request at once finds room.</summary>
    public void End(FinishReason reason)
    {
        _outcome = reason;
        Finished = true;
    }

    public void End(Exception error)
    {
        Error = error;
        Finished = true;
    }

    /// <summary>Writes the final chunk (or the error, or nothing when cancelled) and closes the stream.</summary>
    public void Complete()
    {
        if (Error is null && _outcome is { } reason)
        {
            var tail = Stop?.Flush() ?? string.Empty;
            _output.Writer.TryWrite(new GenerationChunk(tail, reason, Prompt.Length, Completion, Stop?.Matched));
        }

        _output.Writer.TryComplete();
    }

    /// <summary>Cancels this sequence in <paramref name="scheduler"/> when <paramref name="ct"/> fires.</summary>
    public void CancelWhen(CancellationToken ct, LlamaScheduler scheduler)
    {
        if (ct.CanBeCanceled)
        {
            _registration = ct.Register(static s =>
            {
                var (owner, cancelled) = ((LlamaScheduler, LlamaSequence))s!;
                owner.Cancel(cancelled);
            }, (scheduler, this));
        }
    }

    public void ReleaseNative()
    {
        Sampler?.Dispose();
        Sampler = null;
        Grammar?.Dispose();
        Grammar = null;
        Decoder = null;
    }

    public async IAsyncEnumerable<GenerationChunk> ReadAllAsync(Action<LlamaSequence> cancel, [EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            var reader = _output.Reader;
            var ended = false;
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (reader.TryRead(out var chunk))
                {
                    ended |= chunk.Finish is not null;
                    yield return chunk;
                }
            }

            if (!ended)
            {
                ct.ThrowIfCancellationRequested(); // the stream closed because the consumer cancelled
            }

            if (Error is { } error)
            {
                throw error;
            }
        }
        finally
        {
            _registration.Dispose();
            cancel(this); // no-op when finished; frees the slot when the consumer stopped early
        }
    }
}
