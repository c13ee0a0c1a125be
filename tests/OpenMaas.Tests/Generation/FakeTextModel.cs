using System.Runtime.CompilerServices;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Tests.Generation;

/// <summary>
/// A FAKE text-generation runtime (named as such): no real model can fail after its first token, stall until the client
/// leaves, or think and call tools on cue, so this one does, by the prompt's text. It drives the responder's branches on
/// every surface through the real server; everything else (HTTP, pipeline, quota, encoders) is real.
/// </summary>
public sealed class FakeTextRuntime : IModelRuntime<ITextGenerationModel>
{
    public const string Format = "fake";

    public FakeTextModel Model { get; } = new();

    public bool CanServe(ModelDescriptor model) => model.Format == Format;

    public ValueTask<ITextGenerationModel> GetAsync(ModelDescriptor model, CancellationToken ct) => ValueTask.FromResult<ITextGenerationModel>(Model);
}

/// <summary>The fake model behind <see cref="FakeTextRuntime"/>. Scripts, by prompt: <c>busy</c> (the scheduler is
/// full), <c>fail-before-first</c>, <c>fail-after-first</c>, <c>hang-after-first</c> (until the client leaves),
/// <c>parts</c> (reasoning, text, two tool calls); anything else answers "Hello world".</summary>
public sealed class FakeTextModel : ITextGenerationModel
{
    private TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id => "fake/scripted";

    public int ContextLength => 4096;

    /// <summary>Completes when a hanging generation saw its cancellation (the client left).</summary>
    public Task Cancelled => _cancelled.Task;

    public void ResetCancelled() => _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PreparedPrompt Prepare(PromptInput input) => new(input switch
    {
        PromptInput.Chat chat => chat.Messages[^1].Content,
        PromptInput.Raw raw => raw.Text,
        _ => string.Empty,
    }, [1, 2, 3]);

    public IAsyncEnumerable<GenerationChunk> Generate(PreparedPrompt prompt, SamplingOptions options, CancellationToken ct) => prompt.Text switch
    {
        "busy" => throw new SchedulerFullException(Id, TimeSpan.FromSeconds(2)),
        _ => RunAsync(prompt.Text, ct),
    };

    private async IAsyncEnumerable<GenerationChunk> RunAsync(string script, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        switch (script)
        {
            case "fail-before-first":
                throw new InferenceException("fake failure before the first token");
            case "fail-after-first":
                yield return new GenerationChunk("Hello", null, 3, 1);
                throw new InferenceException("fake failure after the first token");
            case "hang-after-first":
                yield return new GenerationChunk("Hello", null, 3, 1);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                finally
                {
                    _cancelled.TrySetResult();
                }

                yield break;
            case "parts":
                yield return new GenerationChunk(string.Empty, null, 3, 1) { Reasoning = "Let me think." };
                yield return new GenerationChunk("It is sunny.", null, 3, 2);
                yield return new GenerationChunk(string.Empty, null, 3, 3) { ToolCall = new ToolCallDelta(0, "call_a", "get_weather", "{\"city\":") };
                yield return new GenerationChunk(string.Empty, null, 3, 4) { ToolCall = new ToolCallDelta(0, null, null, "\"Paris\"}") };
                yield return new GenerationChunk(string.Empty, null, 3, 5) { ToolCall = new ToolCallDelta(1, "call_b", "get_time", "{}") };
                yield return new GenerationChunk(string.Empty, FinishReason.ToolCalls, 3, 5);
                break;
            default:
                yield return new GenerationChunk("Hello", null, 3, 1);
                yield return new GenerationChunk(" world", FinishReason.Stop, 3, 2);
                break;
        }
    }
}
