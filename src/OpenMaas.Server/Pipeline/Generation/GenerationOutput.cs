using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Pipeline.Generation;

/// <summary>Where the <see cref="GenerationLoop"/> puts a generation: a stream to the client, or a collected answer.</summary>
internal abstract class GenerationOutput
{
    /// <summary>True once the response is committed (a failure can then only end it with an error event).</summary>
    public bool Started { get; protected set; }

    /// <summary>Takes one chunk (buffers it; nothing is sent).</summary>
    public abstract void Add(in GenerationChunk chunk, bool first);

    /// <summary>After the first chunk: a stream sends it at once (time to first output is taken there).</summary>
    public virtual ValueTask FirstAsync(CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>The next chunk is not ready yet: a stream sends what it buffered while the runtime works.</summary>
    public virtual ValueTask FlushWhileWaitingAsync(ValueTask<bool> next, CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>The generation ended normally.</summary>
    public abstract ValueTask EndAsync(GenerationEnd end, CancellationToken ct);

    /// <summary>The generation failed after <see cref="Started"/>.</summary>
    public virtual ValueTask FailAsync(CallException error) => ValueTask.CompletedTask;
}

/// <summary>Collects a generation whole: the answer text, the reasoning, the tool calls merged by index.</summary>
internal sealed class CollectedOutput : GenerationOutput
{
    private readonly System.Text.StringBuilder _text = new();
    private System.Text.StringBuilder? _reasoning;
    private SortedDictionary<int, (string? Id, string? Name, System.Text.StringBuilder Arguments)>? _calls;

    public GenerationResult Result { get; private set; } = null!;

    public override void Add(in GenerationChunk chunk, bool first)
    {
        _text.Append(chunk.Text);
        if (chunk.Reasoning is { } reasoning)
        {
            (_reasoning ??= new()).Append(reasoning);
        }

        if (chunk.ToolCall is { } delta)
        {
            _calls ??= [];
            var call = _calls.TryGetValue(delta.Index, out var known) ? known : (null, null, new System.Text.StringBuilder());
            _calls[delta.Index] = (call.Id ?? delta.Id, call.Name ?? delta.Name, call.Arguments.Append(delta.Arguments));
        }
    }

    public override ValueTask EndAsync(GenerationEnd end, CancellationToken ct)
    {
        IReadOnlyList<ToolCall> calls = _calls is null ? [] : [.. _calls.Select(c => new ToolCall(c.Value.Id ?? $"call_{c.Key}", c.Value.Name ?? string.Empty, c.Value.Arguments.ToString()))];
        Result = new GenerationResult(_text.ToString(), _reasoning?.ToString(), calls, end);
        return ValueTask.CompletedTask;
    }
}
