using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>A local generation whose text is a grammar-forced tool call: the text is gathered (nothing is streamed
/// while the model writes it) and handed on as one tool call (id, name, arguments) with finish reason
/// <c>tool_calls</c>. A generation cut short (max_tokens) is handed on as its text, finish <c>length</c>.</summary>
internal sealed record LocalToolCallGeneration(PreparedGeneration.Local Generation) : PreparedGeneration.Driven
{
    /// <inheritdoc/>
    public override IAsyncEnumerable<GenerationChunk> Run(CancellationToken ct) => RunAsync(ct);

    private async IAsyncEnumerable<GenerationChunk> RunAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var text = new StringBuilder();
        await foreach (var chunk in Generation.Run(ct).WithCancellation(ct))
        {
            text.Append(chunk.Text);
            if (chunk.Finish is not { } finish)
            {
                continue;
            }

            var call = finish == FinishReason.Stop ? LocalConstraints.ReadCall(text.ToString(), NewId()) : null;
            if (call is null)
            {
                yield return chunk with { Text = text.ToString() };
                yield break;
            }

            yield return new GenerationChunk(string.Empty, null, 0, 0) { ToolCall = new ToolCallDelta(0, call.Id, call.Name, call.Arguments) };
            yield return new GenerationChunk(string.Empty, FinishReason.ToolCalls, chunk.PromptTokens, chunk.CompletionTokens);
        }
    }

    private static string NewId() => "call_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
