using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>A local generation with tools, written in llama.cpp's generic tool-call format under its grammar
/// (<see cref="GenericToolPrompt"/>): what the model writes is read as it comes (<see cref="GenericToolOutputReader"/>)
/// and handed on as neutral chunks — the response's text as text, each call as tool-call fragments (id and name, then
/// pieces of its arguments) — so every surface streams them as its own deltas. Finish <c>tool_calls</c> when a call was
/// made; a generation cut short (max_tokens) ends with finish <c>length</c> after what was read so far.</summary>
internal sealed record LocalToolGeneration(PreparedGeneration.Local Generation) : PreparedGeneration.Driven
{
    /// <inheritdoc/>
    public override IAsyncEnumerable<GenerationChunk> Run(CancellationToken ct) => RunAsync(ct);

    private async IAsyncEnumerable<GenerationChunk> RunAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var reader = new GenericToolOutputReader(NewId);
        await foreach (var chunk in Generation.Run(ct).WithCancellation(ct))
        {
            foreach (var part in reader.Read(chunk.Text))
            {
                yield return part with { PromptTokens = chunk.PromptTokens, CompletionTokens = chunk.CompletionTokens };
            }

            if (chunk.Finish is { } finish)
            {
                var end = finish == FinishReason.Stop && reader.Calls > 0 ? FinishReason.ToolCalls : finish;
                yield return new GenerationChunk(string.Empty, end, chunk.PromptTokens, chunk.CompletionTokens, chunk.StopSequence);
            }
        }
    }

    private static string NewId() => "call_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
